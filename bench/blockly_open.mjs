// Opening and editing a 1,000-block `.jpblockly` workspace: ltilab's Blockly
// editor beside jupyterlab-broccoli 0.4.7 (PyPI), on the same file, in the
// same run, in Debian's Chromium.
//
//   make install && node bench/blockly_open.mjs [--rounds 3]
//
// Each editor runs in its own JupyterLab: ours from .venv (port 8898),
// jupyterlab-broccoli from its own virtualenv, build/bench-broccoli-venv
// (port 8899), created here with `pip install jupyterlab-broccoli==0.4.7
// ipywidgets ipykernel` when it is missing. jupyterlab-broccoli does not
// declare it, but its labextension fails to load ("Shared module
// @jupyter-widgets/base doesn't exist in shared scope") without ipywidgets. Both servers get empty Jupyter config and
// data directories, so neither sees the other's settings or workspaces.
//
// For each editor and round, in a fresh page:
// - open: from the `docmanager:open` command until every block exists, two
//   animation frames have passed (the blocks are painted) and the main thread
//   has had no long task (> 50 ms) for 1 s: the end of the last long task, or
//   the paint if later, is the time to interactive;
// - regeneration: the generator alone on the whole workspace
//   (`workspaceToCode`, plus broccoli's `toplevel_init` scan), and the
//   editor's whole update (generator and code view), median of 15 runs;
// - dragging a block stack with the mouse in 40 steps, and typing 12
//   characters into a text field: the longest main-thread task, the longest
//   gap between frames, the longest keyboard event (Event Timing), and how
//   often the generator ran meanwhile.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launchOptions = createRequire(import.meta.url)('../ui-tests/chromium.js');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const FILE = 'thousand.jpblockly';
const STACKS = 50;

/**
 * A random block id of 20 characters, as Blockly makes them.
 */
function blockId() {
  const chars =
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%()*+,-./:;=?@[]^_`{|}~';
  let id = '';
  for (let i = 0; i < 20; i++) {
    id += chars[Math.floor(Math.random() * chars.length)];
  }
  return id;
}

/**
 * A `.jpblockly` file of `stacks` stacks of 20 blocks each, using only core
 * blocks that Blockly 9 (jupyterlab-broccoli) and 13 (ltilab) both define.
 * Every input holds a real block (no shadows), so the count is exact.
 */
function workspaceFile(stacks) {
  const b = (type, rest = {}) => ({ type, id: blockId(), ...rest });
  const v = name => ({
    block: b('variables_get', { fields: { VAR: { id: name } } })
  });
  const n = value => ({ block: b('math_number', { fields: { NUM: value } }) });
  const t = value => ({ block: b('text', { fields: { TEXT: value } }) });
  const print = (value, next) =>
    b('text_print', {
      inputs: { TEXT: value },
      ...(next ? { next: { block: next } } : {})
    });
  const stack = i => {
    // 4 + 4 + 8 + 4 = 20 blocks.
    const repeat = b('controls_repeat_ext', {
      inputs: { TIMES: n(2), DO: { block: print(t(`stack ${i}`)) } }
    });
    const ifEven = b('controls_if', {
      inputs: {
        IF0: {
          block: b('logic_compare', {
            fields: { OP: 'EQ' },
            inputs: {
              A: {
                block: b('math_modulo', {
                  inputs: { DIVIDEND: v('x'), DIVISOR: n(2) }
                })
              },
              B: n(0)
            }
          })
        },
        DO0: { block: print(t('even')) }
      },
      next: { block: repeat }
    });
    const show = print(
      {
        block: b('text_join', {
          extraState: { itemCount: 2 },
          inputs: { ADD0: t('x is '), ADD1: v('x') }
        })
      },
      ifEven
    );
    return b('variables_set', {
      x: (i % 5) * 420 + 20,
      y: Math.floor(i / 5) * 520 + 20,
      fields: { VAR: { id: 'x' } },
      inputs: {
        VALUE: {
          block: b('math_arithmetic', {
            fields: { OP: 'ADD' },
            inputs: { A: v('x'), B: n(i) }
          })
        }
      },
      next: { block: show }
    });
  };
  return JSON.stringify({
    blocks: {
      languageVersion: 0,
      blocks: Array.from({ length: stacks }, (_, i) => stack(i))
    },
    variables: [{ name: 'x', id: 'x' }],
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      }
    }
  });
}

/**
 * The jupyterlab-broccoli 0.4.7 virtualenv, made once.
 */
function broccoliVenv() {
  const venv = path.join(root, 'build/bench-broccoli-venv');
  const jupyter = path.join(venv, 'bin/jupyter');
  if (!existsSync(jupyter)) {
    mkdirSync(path.dirname(venv), { recursive: true });
    const steps = [
      ['python3', ['-m', 'venv', venv]],
      [
        path.join(venv, 'bin/pip'),
        [
          'install',
          '-q',
          'jupyterlab-broccoli==0.4.7',
          'ipywidgets',
          'ipykernel'
        ]
      ]
    ];
    for (const [command, args] of steps) {
      const result = spawnSync(command, args, { stdio: 'inherit' });
      if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} failed`);
      }
    }
  }
  const list = spawnSync(jupyter, ['labextension', 'list'], {
    encoding: 'utf-8'
  });
  const versions = spawnSync(
    path.join(venv, 'bin/python'),
    [
      '-c',
      'import importlib.metadata as m; print(m.version("jupyterlab_broccoli"), m.version("jupyterlab"))'
    ],
    { encoding: 'utf-8' }
  ).stdout.trim();
  if (
    !/jupyterlab-broccoli-extension v0\.4\.7 .*enabled.*OK/.test(
      list.stdout + list.stderr
    )
  ) {
    throw new Error(`jupyterlab-broccoli 0.4.7 is not enabled in ${venv}`);
  }
  const [broccoli, lab] = versions.split(' ');
  return {
    jupyter,
    label: `jupyterlab-broccoli ${broccoli} (JupyterLab ${lab})`
  };
}

/**
 * Start a JupyterLab on `port` serving `dir`, isolated from user settings.
 */
function startLab(jupyter, port, dir) {
  const home = mkdtempSync(path.join(tmpdir(), 'ltilab-blockly-bench-home-'));
  const args = [
    'lab',
    '--no-browser',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    '--ServerApp.token=',
    '--ServerApp.password=',
    `--ServerApp.root_dir=${dir}`,
    '--LabApp.expose_app_in_browser=True',
    '--LabApp.news_url=',
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'
  ];
  if (process.getuid?.() === 0) {
    args.push('--allow-root');
  }
  const server = spawn(jupyter, args, {
    stdio: 'ignore',
    env: {
      ...process.env,
      JUPYTER_CONFIG_DIR: path.join(home, 'config'),
      JUPYTER_DATA_DIR: path.join(home, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(home, 'runtime')
    }
  });
  return server;
}

async function waitForServer(port) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/status`)).ok) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`JupyterLab on port ${port} did not start`);
}

/**
 * How to reach each editor's workspace and generator in the page. The
 * functions are sent to the page as source text.
 */
const EDITORS = {
  ltilab: {
    factory: 'Blockly Editor',
    workspace: widget => widget.content.workspace,
    generator: widget =>
      widget.content._registry.getGenerator(widget.content.language),
    // The generator, the code view and the marks of missing generators.
    update: widget => widget.content.generate(),
    // Ours: the generator alone.
    generate: widget =>
      widget.content._registry
        .getGenerator(widget.content.language)
        .workspaceToCode(widget.content.workspace)
  },
  broccoli: {
    factory: 'Blockly editor',
    workspace: widget => widget.content.layout._workspace,
    generator: widget => widget.content.layout._manager.generator,
    // What its change listener does on every event: generate, then set the
    // code cell and the highlighted code view.
    update: widget => widget.content.layout._onManagerChanged(null, 'kernel'),
    generate: widget =>
      widget.content.layout.getBlocksToplevelInit() +
      widget.content.layout._manager.generator.workspaceToCode(
        widget.content.layout._workspace
      )
  }
};

/**
 * Install the editor's accessors in the page as `window.__bench`.
 */
async function installAccessors(page, editor) {
  const spec = EDITORS[editor];
  await page.evaluate(
    sources => {
      const make = source => new Function(`return (${source});`)();
      window.__bench = Object.fromEntries(
        Object.entries(sources).map(([k, v]) => [k, make(v)])
      );
    },
    Object.fromEntries(
      Object.entries(spec)
        .filter(([, v]) => typeof v === 'function')
        .map(([k, v]) => [k, v.toString()])
    )
  );
}

async function measure(browser, port, editor, expectedBlocks, round) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 }
  });
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  page.on('console', message => {
    if (
      message.type() === 'error' &&
      !/Failed to load resource/.test(message.text())
    ) {
      errors.push(message.text().slice(0, 200));
    }
  });
  try {
    return await measureIn(page, port, editor, expectedBlocks, round);
  } catch (error) {
    error.message += errors.length
      ? ` (page errors: ${errors.join(' | ')})`
      : '';
    throw error;
  } finally {
    await page.close();
  }
}

async function measureIn(page, port, editor, expectedBlocks, round) {
  // A new, empty JupyterLab workspace each time: nothing is restored.
  await page.goto(
    `http://127.0.0.1:${port}/lab/workspaces/bench-${round}?reset`
  );
  await page
    .locator('#jupyterlab-splash')
    .waitFor({ state: 'detached', timeout: 120000 });
  await page.waitForFunction(() => !!window.jupyterapp?.commands);
  // Let the start of JupyterLab itself settle.
  await page.waitForTimeout(2000);
  await installAccessors(page, editor);

  // Open: command -> every block exists -> painted -> no long task for 1 s.
  const open = await page.evaluate(
    async ({ factory, file, expected }) => {
      const longTasks = [];
      const observer = new PerformanceObserver(list => {
        longTasks.push(...list.getEntries());
      });
      observer.observe({ type: 'longtask' });
      const frame = () => new Promise(r => requestAnimationFrame(() => r()));
      const start = performance.now();
      void window.jupyterapp.commands.execute('docmanager:open', {
        path: file,
        factory
      });
      if (window.jupyterapp.shell.currentWidget?.context) {
        throw new Error('a document is already open');
      }
      const widget = () => window.jupyterapp.shell.currentWidget;
      for (;;) {
        await frame();
        const w = widget();
        let count = 0;
        try {
          count = w
            ? window.__bench.workspace(w).getAllBlocks(false).length
            : 0;
        } catch {
          count = 0;
        }
        if (count >= expected) {
          break;
        }
        if (performance.now() - start > 120000) {
          throw new Error(`only ${count} blocks after 120 s`);
        }
      }
      const blocks = performance.now() - start;
      await frame();
      await frame();
      const painted = performance.now() - start;
      const lastEnd = () =>
        Math.max(0, ...longTasks.map(t => t.startTime + t.duration - start));
      while (performance.now() - start - Math.max(painted, lastEnd()) < 1000) {
        await new Promise(r => setTimeout(r, 50));
      }
      observer.disconnect();
      const opened = longTasks.filter(t => t.startTime >= start);
      return {
        blocks,
        painted,
        interactive: Math.max(painted, lastEnd()),
        longest: Math.max(0, ...opened.map(t => t.duration))
      };
    },
    { factory: EDITORS[editor].factory, file: FILE, expected: expectedBlocks }
  );

  // Regeneration, in the page: the generator alone, then the whole update.
  const regen = await page.evaluate(() => {
    const w = window.jupyterapp.shell.currentWidget;
    const median = fn => {
      for (let i = 0; i < 3; i++) {
        fn();
      }
      const times = [];
      let length = 0;
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        length = String(fn() ?? '').length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return { median: times[7], max: times[14], length };
    };
    const generator = median(() => window.__bench.generate(w));
    const update = median(() => window.__bench.update(w));
    return { generator, update, codeLength: generator.length };
  });

  // Count the generator's runs while dragging and typing.
  await page.evaluate(() => {
    const w = window.jupyterapp.shell.currentWidget;
    const generator = window.__bench.generator(w);
    const original = generator.workspaceToCode;
    window.__generations = 0;
    generator.workspaceToCode = function (...args) {
      window.__generations++;
      return original.apply(this, args);
    };
  });
  const startWatch = () =>
    page.evaluate(() => {
      const watch = { longTasks: [], events: [], gaps: [], running: true };
      watch.observer = new PerformanceObserver(list =>
        watch.longTasks.push(...list.getEntries())
      );
      watch.observer.observe({ type: 'longtask' });
      watch.eventObserver = new PerformanceObserver(list =>
        watch.events.push(
          ...list.getEntries().filter(e => e.name.startsWith('key'))
        )
      );
      watch.eventObserver.observe({ type: 'event', durationThreshold: 16 });
      let last = performance.now();
      watch.start = last;
      const tick = now => {
        watch.gaps.push({ at: last - watch.start, gap: now - last });
        last = now;
        if (watch.running) {
          requestAnimationFrame(tick);
        }
      };
      requestAnimationFrame(tick);
      window.__generations = 0;
      window.__watch = watch;
    });
  const stopWatch = () =>
    page.evaluate(async () => {
      const watch = window.__watch;
      // Count what happens during the gesture, not after it (our debounced
      // generation and model write run once the pause is long enough).
      const generations = window.__generations;
      const end = performance.now();
      const during = entries =>
        entries.filter(e => e.startTime < end).map(e => e.duration);
      // Events are reported after their frame.
      await new Promise(r => setTimeout(r, 300));
      watch.running = false;
      watch.observer.disconnect();
      watch.eventObserver.disconnect();
      return {
        longestTask: Math.max(0, ...during(watch.longTasks)),
        longestFrameGap: Math.max(
          0,
          ...watch.gaps.filter(g => g.at + watch.start < end).map(g => g.gap)
        ),
        // Once the gesture is under way (after its first 300 ms).
        steadyFrameGap: Math.max(
          0,
          ...watch.gaps
            .filter(g => g.at > 300 && g.at + watch.start < end)
            .map(g => g.gap)
        ),
        longestKeyEvent: Math.max(0, ...during(watch.events)),
        generations
      };
    });

  // Drag the first stack (20 blocks) by its top block.
  const grip = await page.evaluate(() => {
    const w = window.jupyterapp.shell.currentWidget;
    const ws = window.__bench.workspace(w);
    const top = ws
      .getTopBlocks(true)
      .find(block => block.type === 'variables_set');
    const rect = top.getSvgRoot().getBoundingClientRect();
    return { x: rect.left + 6, y: rect.top + 6 };
  });
  await page.mouse.move(grip.x, grip.y);
  await startWatch();
  await page.mouse.down();
  const dragStart = Date.now();
  await page.mouse.move(grip.x + 300, grip.y + 200, { steps: 40 });
  const dragTime = Date.now() - dragStart;
  const drag = await stopWatch();
  await page.mouse.up();
  drag.wall = dragTime;
  // After the drop, our generation runs once, after its delay.
  await page.waitForTimeout(600);
  drag.generationsAfterDrop = await page.evaluate(() => window.__generations);

  // Type into the first `text` field that is on screen.
  const field = await page.evaluate(() => {
    const w = window.jupyterapp.shell.currentWidget;
    const ws = window.__bench.workspace(w);
    const host = ws.getParentSvg().getBoundingClientRect();
    for (const block of ws.getBlocksByType('text', true)) {
      const rect = block.getField('TEXT').getSvgRoot().getBoundingClientRect();
      if (
        rect.width > 0 &&
        rect.left > host.left + 150 &&
        rect.right < host.right - 20 &&
        rect.top > host.top + 20 &&
        rect.bottom < host.bottom - 20
      ) {
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
    }
    return null;
  });
  let typing = null;
  if (field) {
    await page.mouse.click(field.x, field.y);
    await page.waitForSelector('.blocklyHtmlInput');
    await page.keyboard.press('End');
    await startWatch();
    const typeStart = Date.now();
    await page.keyboard.type(' typed here', { delay: 40 });
    const typeTime = Date.now() - typeStart;
    typing = await stopWatch();
    typing.wall = typeTime;
    await page.keyboard.press('Enter');
  }
  return { open, regen, drag, typing };
}

const median = values => {
  const sorted = values
    .filter(v => v !== undefined && v !== null)
    .sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};

const dir = mkdtempSync(path.join(tmpdir(), 'ltilab-blockly-bench-'));
const content = workspaceFile(STACKS);
const expectedBlocks = STACKS * 20;
writeFileSync(path.join(dir, FILE), content);
console.log(
  `file: ${FILE}, ${expectedBlocks} blocks in ${STACKS} stacks, ${content.length} bytes (${dir})`
);

const servers = [];
const stopAll = () => servers.forEach(s => s.kill('SIGTERM'));
process.on('exit', stopAll);

const targets = [
  {
    name: 'ltilab',
    label: 'ltilab (Blockly 13)',
    port: 8898,
    jupyter: path.join(root, '.venv/bin/jupyter')
  }
];
try {
  const { jupyter, label } = broccoliVenv();
  targets.push({ name: 'broccoli', label, port: 8899, jupyter });
} catch (error) {
  console.log(`jupyterlab-broccoli 0.4.7 cannot run: ${error.message}`);
}

try {
  for (const target of targets) {
    servers.push(startLab(target.jupyter, target.port, dir));
  }
  await Promise.all(targets.map(t => waitForServer(t.port)));
  const browser = await chromium.launch(launchOptions);
  const results = Object.fromEntries(targets.map(t => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      try {
        const r = await measure(
          browser,
          target.port,
          target.name,
          expectedBlocks,
          round
        );
        results[target.name].push(r);
        console.log(
          `round ${round + 1} ${target.name.padEnd(8)} open ${r.open.interactive.toFixed(0)} ms ` +
            `(blocks ${r.open.blocks.toFixed(0)}, painted ${r.open.painted.toFixed(0)}, longest task ${r.open.longest.toFixed(0)}) ` +
            `generator ${r.regen.generator.median.toFixed(1)} ms, update ${r.regen.update.median.toFixed(1)} ms, ` +
            `drag: task ${r.drag.longestTask.toFixed(0)} ms gap ${r.drag.longestFrameGap.toFixed(0)} ms (then ${r.drag.steadyFrameGap.toFixed(0)} ms) in ${r.drag.wall} ms, gens ${r.drag.generations}/${r.drag.generationsAfterDrop}` +
            (r.typing
              ? `, typing: key ${r.typing.longestKeyEvent.toFixed(0)} ms task ${r.typing.longestTask.toFixed(0)} ms gens ${r.typing.generations}`
              : ', typing: no text field on screen')
        );
      } catch (error) {
        console.log(
          `round ${round + 1} ${target.name}: failed: ${error.message}`
        );
      }
    }
  }
  await browser.close();

  const summary = {};
  for (const target of targets) {
    const runs = results[target.name];
    if (!runs.length) {
      continue;
    }
    summary[target.name] = {
      label: target.label,
      open: median(runs.map(r => r.open.interactive)),
      painted: median(runs.map(r => r.open.painted)),
      openLongest: median(runs.map(r => r.open.longest)),
      generator: median(runs.map(r => r.regen.generator.median)),
      update: median(runs.map(r => r.regen.update.median)),
      dragTask: median(runs.map(r => r.drag.longestTask)),
      dragGap: median(runs.map(r => r.drag.longestFrameGap)),
      dragSteadyGap: median(runs.map(r => r.drag.steadyFrameGap)),
      dragGenerations: Math.max(...runs.map(r => r.drag.generations)),
      typeKey: median(runs.map(r => r.typing?.longestKeyEvent ?? 0)),
      typeTask: median(runs.map(r => r.typing?.longestTask ?? 0)),
      typeGenerations: Math.max(...runs.map(r => r.typing?.generations ?? 0)),
      worst: {
        open: Math.max(...runs.map(r => r.open.interactive)),
        generator: Math.max(...runs.map(r => r.regen.generator.max)),
        dragTask: Math.max(...runs.map(r => r.drag.longestTask)),
        typeKey: Math.max(...runs.map(r => r.typing?.longestKeyEvent ?? 0))
      },
      runs: runs.length
    };
  }
  console.log(
    `\nmedians over the rounds that ran (generations: most in any round)`
  );
  console.log(
    '| Editor | Time to interactive | Painted | Generator | Generator + code view | Drag: longest task / frame gap / gap after 300 ms / generations | Typing: longest key event / task / generations |'
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of Object.values(summary)) {
    console.log(
      `| ${s.label} | ${s.open.toFixed(0)} ms | ${s.painted.toFixed(0)} ms | ${s.generator.toFixed(1)} ms | ${s.update.toFixed(1)} ms | ` +
        `${s.dragTask.toFixed(0)} ms / ${s.dragGap.toFixed(0)} ms / ${s.dragSteadyGap.toFixed(0)} ms / ${s.dragGenerations} | ` +
        `${s.typeKey.toFixed(0)} ms / ${s.typeTask.toFixed(0)} ms / ${s.typeGenerations} |`
    );
  }
  for (const s of Object.values(summary)) {
    console.log(
      `${s.label}: ${s.runs} rounds; worst open ${s.worst.open.toFixed(0)} ms, ` +
        `slowest generator run ${s.worst.generator.toFixed(1)} ms, ` +
        `longest task while dragging ${s.worst.dragTask.toFixed(0)} ms, ` +
        `longest key event ${s.worst.typeKey.toFixed(0)} ms`
    );
  }
  const ours = summary.ltilab;
  const theirs = summary.broccoli;
  if (ours && theirs) {
    const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
    console.log(
      `\nratios ltilab / broccoli: open ${ratio(ours.open, theirs.open)}x, ` +
        `generator ${ratio(ours.generator, theirs.generator)}x, ` +
        `generator + code view ${ratio(ours.update, theirs.update)}x, ` +
        `longest task while dragging ${ratio(ours.dragTask, theirs.dragTask)}x, ` +
        `longest key event ${ratio(ours.typeKey, theirs.typeKey)}x`
    );
  }
  if (ours) {
    console.log(
      `targets: open ${ours.open.toFixed(0)} ms (< 1500: ${ours.open < 1500 ? 'met' : 'NOT met'}), ` +
        `regeneration ${ours.generator.toFixed(1)} ms (< 50: ${ours.generator < 50 ? 'met' : 'NOT met'})`
    );
  }
} finally {
  stopAll();
}
