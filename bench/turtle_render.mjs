// Browser side of turtle drawing: from Run to the finished canvas, in a real
// JupyterLab with the ltilab renderer, in Debian's Chromium.
//
//   node bench/turtle_render.mjs        (needs `make install` or `make develop` first)
//
// For the predecessor-style sample it reports Run -> output arrives ->
// drawing finished at the program's speed (1x) and with the animation off;
// for 10,000 segments, the time to paint them all once the output arrives
// with the animation off (the target is under 200 ms).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launchOptions = createRequire(import.meta.url)('../ui-tests/chromium.js');
const port = 8897;
const dir = mkdtempSync(path.join(tmpdir(), 'ltilab-turtle-bench-'));

const PROGRAMS = {
  sample: [
    'from ltilab.turtle import *',
    'turtle = JBTurtle(600, 600)',
    'for i in range(72):',
    '    turtle.line_hsv(i * 5, 0.45, 0.65)',
    '    turtle.forward(150)',
    '    turtle.turn_right(175)'
  ].join('\n'),
  tenThousand: [
    'from ltilab.turtle import *',
    'turtle = JBTurtle(600, 600)',
    'turtle.speed(10)',
    'for i in range(10000):',
    '    turtle.forward(3 + (i % 50))',
    '    turtle.turn_right(61)'
  ].join('\n')
};
for (const [name, code] of Object.entries(PROGRAMS)) {
  writeFileSync(
    path.join(dir, `${name}.ipynb`),
    JSON.stringify({
      cells: [
        {
          cell_type: 'code',
          execution_count: null,
          metadata: {},
          outputs: [],
          source: code
        }
      ],
      metadata: {
        kernelspec: {
          name: 'python3',
          display_name: 'Python 3',
          language: 'python'
        }
      },
      nbformat: 4,
      nbformat_minor: 5
    })
  );
}

const args = [
  'lab',
  '--no-browser',
  `--ServerApp.port=${port}`,
  '--ServerApp.token=',
  `--ServerApp.root_dir=${dir}`,
  '--LabApp.expose_app_in_browser=True',
  '--ServerApp.port_retries=0'
];
if (process.getuid?.() === 0) {
  args.push('--allow-root');
}
const server = spawn(path.join(root, '.venv/bin/jupyter'), args, {
  stdio: 'ignore'
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/status`)).ok) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('JupyterLab did not start');
}

async function measure(browser, name, mode) {
  const page = await browser.newPage({
    viewport: { width: 1200, height: 900 }
  });
  await page.goto(`http://127.0.0.1:${port}/lab/tree/${name}.ipynb`);
  await page
    .locator('#jupyterlab-splash')
    .waitFor({ state: 'detached', timeout: 120000 });
  await page.waitForFunction(
    () => !!window.jupyterapp?.shell.currentWidget?.sessionContext
  );
  await page.evaluate(
    () => window.jupyterapp.shell.currentWidget.sessionContext.ready
  );
  await page.waitForFunction(
    () =>
      window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel
        ?.status === 'idle',
    null,
    { timeout: 120000 }
  );
  const result = await page.evaluate(async mode => {
    const times = {};
    const run = performance.now();
    const done = new Promise(resolve => {
      const observer = new MutationObserver(() => {
        const view = document.querySelector('.jp-LtilabTurtle');
        // The first display is the empty canvas; the drawing arrives when
        // the cell ends.
        const full = view && Number(view.dataset.ops) > 0;
        if (full && times.output === undefined) {
          times.output = performance.now() - run;
          if (mode === 'instant') {
            // The animation off: draw everything at once, as the Finish button does.
            const finish = [...view.querySelectorAll('button')].find(
              b => b.textContent === 'Finish'
            );
            const start = performance.now();
            finish.click();
            // Count until the canvas is on screen: the second animation
            // frame after the click has been rasterised and presented.
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                times.paint = performance.now() - start;
              })
            );
          }
        }
        if (
          full &&
          view.dataset.finished === 'true' &&
          times.finished === undefined
        ) {
          times.finished = performance.now() - run;
          observer.disconnect();
          // Resolve once the paint measurement (two frames) is in.
          const wait = () =>
            mode !== 'instant' || times.paint !== undefined
              ? resolve()
              : setTimeout(wait, 5);
          wait();
        }
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true
      });
    });
    await window.jupyterapp.commands.execute('notebook:run-all-cells');
    await done;
    return times;
  }, mode);
  await page.close();
  return result;
}

try {
  await waitForServer();
  const browser = await chromium.launch(launchOptions);
  const fmt = ms => `${(ms / 1000).toFixed(3)} s`;
  for (const [name, mode] of [
    ['sample', 'animated'],
    ['sample', 'instant'],
    ['tenThousand', 'instant']
  ]) {
    const t = await measure(browser, name, mode);
    console.log(
      `${name.padEnd(12)} ${mode.padEnd(9)} run->output ${fmt(t.output)}  run->finished ${fmt(t.finished)}` +
        (t.paint !== undefined ? `  paint all ${t.paint.toFixed(1)} ms` : '')
    );
  }
  await browser.close();
} finally {
  stop();
}
