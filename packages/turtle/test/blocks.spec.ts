/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The turtle blocks, registered into a real block registry: their messages,
 * their toolbox, and their geometry through the generated JavaScript (run in
 * Node's vm) and the generated Python (run by python3), which must agree.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

import {
  BlocklyRegistry,
  createDefaultToolbox,
  generateCode,
  loadWorkspace,
  contentBlockTypes,
  parseJpblockly,
  runnableCode,
  toolboxBlockTypes,
  toolboxForBlocks
} from '@ltilab/broccoli';

import {
  compareSegments,
  createJavascriptGenerators,
  createPythonGenerators,
  createTurtleBlocks,
  createTurtleRuntime,
  createTurtleToolbox,
  drawingSegments,
  JAVASCRIPT_TURTLE_SOURCE,
  ORDER_NONE,
  parseDrawing,
  PREDECESSOR_TURTLE_BLOCKS,
  PYTHON_TURTLE_SOURCE,
  Segment,
  TURTLE_BLOCK_TYPES,
  TURTLE_MESSAGES,
  TURTLE_TOOLBOX_ID
} from '../src';

// The Blockly that @ltilab/broccoli uses: blocks registered through the
// registry live there.
const fromBroccoli = (name: string) =>
  // A dynamic path: `import` cannot name it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(
    require.resolve(name, {
      paths: [path.dirname(require.resolve('@ltilab/broccoli'))]
    })
  );
const Blockly = fromBroccoli('blockly');

const ROOT = path.resolve(__dirname, '../../..');
const PYTHON = fs.existsSync(path.join(ROOT, '.venv/bin/python'))
  ? path.join(ROOT, '.venv/bin/python')
  : 'python3';

type State = { type: string; [key: string]: unknown };

const num = (value: number) => ({
  shadow: { type: 'math_number', fields: { NUM: value } }
});
const colour = (value: string) => ({
  shadow: { type: 'colour_picker', fields: { COLOUR: value } }
});
const text = (value: string) => ({
  shadow: { type: 'text', fields: { TEXT: value } }
});

/**
 * A chain of statement blocks.
 */
function chain(...blocks: State[]): State {
  return blocks.reduceRight((next, block) => ({
    ...block,
    next: { block: next }
  }));
}

const init = (w: number, h: number, ...rest: State[]): State =>
  chain(
    {
      type: 'turtle_init',
      inputs: { XSIZE: num(w), YSIZE: num(h) },
      x: 0,
      y: 0
    },
    ...rest
  );
const forward = (d: number): State => ({
  type: 'turtle_forward',
  inputs: { VAL: num(d) }
});
const right = (a: number): State => ({
  type: 'turtle_turn_right',
  inputs: { VAL: num(a) }
});
const simple = (type: string): State => ({ type });

function registry(): BlocklyRegistry {
  const r = new BlocklyRegistry();
  for (const [locale, bundle] of Object.entries(TURTLE_MESSAGES)) {
    r.registerMessages(locale, bundle);
  }
  r.registerBlocks(createTurtleBlocks());
  r.registerRuntime('python', createTurtleRuntime('python'));
  r.registerGenerators('python', createPythonGenerators());
  r.registerRuntime('javascript', createTurtleRuntime('javascript'));
  r.registerGenerators('javascript', createJavascriptGenerators());
  return r;
}

const reg = registry();
const workspaces: any[] = [];

function workspaceOf(top: State, variables: unknown[] = []): any {
  const workspace = new Blockly.Workspace();
  workspaces.push(workspace);
  Blockly.serialization.workspaces.load(
    { blocks: { languageVersion: 0, blocks: [top] }, variables },
    workspace
  );
  return workspace;
}

/**
 * The complete code of a program, as it runs in the kernel: the runtime,
 * then the program.
 */
function code(workspace: any, language: string): string {
  const result = generateCode(workspace, reg.getGenerator(language)!);
  expect(result.error).toBeNull();
  expect(result.missing).toEqual([]);
  return runnableCode(result);
}

/**
 * Run generated JavaScript in a fresh vm context; the drawing it recorded.
 */
function runJavascript(source: string, name = 'turtle'): any {
  const logged: string[] = [];
  const context = vm.createContext({
    console: { log: (s: string) => logged.push(s) }
  });
  vm.runInContext(source, context, { timeout: 10000 });
  return JSON.parse(
    vm.runInContext(`JSON.stringify(${name}.drawing())`, context)
  );
}

/**
 * Run generated Python programs with python3; their drawings.
 */
function runPython(sources: string[], name = 'turtle'): any[] {
  const runner = [
    'import json, sys',
    'out = []',
    'for source in json.load(sys.stdin):',
    '    scope = {"__name__": "__main__"}',
    '    exec(compile(source, "<blocks>", "exec"), scope)',
    `    out.append(scope["${name}"].drawing())`,
    'print(json.dumps(out))'
  ].join('\n');
  // -I -S: the standard library only, no site-packages (no IPython, no
  // ltilab): the program must carry its own recorder.
  const result = spawnSync(PYTHON, ['-I', '-S', '-c', runner], {
    input: JSON.stringify(sources),
    encoding: 'utf8',
    cwd: '/'
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

function segments(drawing: unknown): Segment[] {
  return drawingSegments(parseDrawing(drawing));
}

function expectClose(actual: Segment[], expected: Segment[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((segment, i) =>
    segment.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 1))
  );
}

afterAll(() => {
  workspaces.forEach(workspace => workspace.dispose());
});

describe('@ltilab/turtle blocks', () => {
  it('should embed the current recorder sources', () => {
    // Fails when python/ltilab/turtle.py or runtime/turtle.js changed and
    // `npm run embed-runtime` was not run.
    expect(PYTHON_TURTLE_SOURCE).toBe(
      fs.readFileSync(path.join(ROOT, 'python/ltilab/turtle.py'), 'utf8')
    );
    expect(JAVASCRIPT_TURTLE_SOURCE).toBe(
      fs.readFileSync(path.join(__dirname, '../runtime/turtle.js'), 'utf8')
    );
  });

  it("should use Blockly's precedence for no operator", () => {
    expect(ORDER_NONE).toBe(fromBroccoli('blockly/python').Order.NONE);
    expect(ORDER_NONE).toBe(fromBroccoli('blockly/javascript').Order.NONE);
  });

  it("should define the predecessor's blocks with the same inputs", () => {
    const inputs = (type: string) => {
      const workspace = new Blockly.Workspace();
      workspaces.push(workspace);
      return workspace
        .newBlock(type)
        .inputList.filter((input: any) => input.connection)
        .map((input: any) => input.name);
    };
    expect(PREDECESSOR_TURTLE_BLOCKS.every(t => reg.hasBlock(t))).toBe(true);
    expect(inputs('turtle_init')).toEqual(['XSIZE', 'YSIZE']);
    expect(inputs('turtle_line_hsv')).toEqual(['H', 'S', 'V']);
    expect(inputs('turtle_move')).toEqual(['XPOS', 'YPOS']);
    for (const type of [
      'turtle_speed',
      'turtle_line_width',
      'turtle_line_color',
      'turtle_forward',
      'turtle_turn_right',
      'turtle_turn_left'
    ]) {
      expect(inputs(type)).toEqual(['VAL']);
    }
    expect(inputs('turtle_pen_up')).toEqual([]);
    expect(inputs('turtle_pen_down')).toEqual([]);
  });

  it("should open the predecessor's file with no unknown block", () => {
    const file = path.join(
      ROOT,
      'packages/broccoli/test/fixtures/broccoli-turtle.jpblockly'
    );
    const workspace = new Blockly.Workspace();
    workspaces.push(workspace);
    const { unknownTypes } = loadWorkspace(
      workspace,
      parseJpblockly(fs.readFileSync(file, 'utf8')),
      { isKnown: type => reg.hasBlock(type) }
    );
    expect(unknownTypes).toEqual([]);
    const [drawing] = runPython([code(workspace, 'python')]);
    expect(segments(drawing)).toEqual([[200, 150, 300, 150]]);
  });

  describe('messages', () => {
    const referenced = (value: unknown): string[] =>
      [...JSON.stringify(value).matchAll(/%\{BKY_([A-Z0-9_]+)\}/g)].map(
        m => m[1]
      );

    it.each(['en', 'ja'])(
      'should have a %s message for every block, tooltip and category',
      locale => {
        const keys = new Set([
          ...referenced(createTurtleBlocks()),
          ...referenced(createTurtleToolbox({ contents: [] } as any))
        ]);
        expect(keys.size).toBeGreaterThan(TURTLE_BLOCK_TYPES.length * 2);
        const bundle = TURTLE_MESSAGES[locale];
        expect([...keys].filter(key => !bundle[key])).toEqual([]);
        expect(Object.keys(bundle).sort()).toEqual([...keys].sort());
      }
    );

    it('should have the same placeholders in English and Japanese', () => {
      const placeholders = (s: string) => (s.match(/%\d/g) ?? []).sort();
      for (const [key, en] of Object.entries(TURTLE_MESSAGES.en)) {
        const ja = TURTLE_MESSAGES.ja[key];
        expect(ja).not.toBe(en);
        expect(placeholders(ja)).toEqual(placeholders(en));
      }
      expect(TURTLE_MESSAGES.ja.TURTLE_FORWARD).toBe('タートル: 前にすすむ %1');
    });
  });

  it('should build the turtle toolbox: the turtle category, then the default ones', () => {
    const base = createDefaultToolbox();
    const toolbox = createTurtleToolbox(base);
    const first = toolbox.contents[0] as any;
    expect(first.name).toBe('%{BKY_TURTLE_CATEGORY}');
    expect(first.contents.map((item: any) => item.type)).toEqual(
      TURTLE_BLOCK_TYPES
    );
    expect(toolbox.contents.slice(3)).toEqual(base.contents);
    expect(toolboxBlockTypes(toolbox)).toEqual(
      expect.arrayContaining([...TURTLE_BLOCK_TYPES, 'controls_for'])
    );
    expect(TURTLE_TOOLBOX_ID).toBe('turtle');
  });

  it("should pick the Turtle toolbox for the predecessor's files, which store none", () => {
    const toolboxes = [
      { id: 'default', toolbox: createDefaultToolbox() },
      {
        id: TURTLE_TOOLBOX_ID,
        toolbox: createTurtleToolbox(createDefaultToolbox())
      }
    ];
    const spiral = parseJpblockly(
      fs.readFileSync(
        path.join(ROOT, 'examples/sample-course/turtle-spiral.jpblockly'),
        'utf8'
      )
    );
    expect(contentBlockTypes(spiral)).toEqual([
      'controls_for',
      'math_arithmetic',
      'turtle_forward',
      'turtle_init',
      'turtle_line_hsv',
      'turtle_speed',
      'turtle_turn_right',
      'variables_get'
    ]);
    expect(toolboxForBlocks(toolboxes, contentBlockTypes(spiral))).toBe(
      TURTLE_TOOLBOX_ID
    );
    expect(toolboxForBlocks(toolboxes, ['controls_for', 'text_print'])).toBe(
      'default'
    );
    expect(toolboxForBlocks(toolboxes, ['someone_elses_block'])).toBe(
      'default'
    );
  });

  /**
   * One program per block, with the lines it must draw on a 400 × 300
   * canvas (the turtle starts at (200, 150) facing +x).
   */
  const GEOMETRY: Array<[string, State, Segment[]]> = [
    ['turtle_init', init(400, 300, forward(10)), [[200, 150, 210, 150]]],
    ['turtle_forward', init(400, 300, forward(100)), [[200, 150, 300, 150]]],
    [
      'turtle_backward',
      init(400, 300, { type: 'turtle_backward', inputs: { VAL: num(50) } }),
      [[200, 150, 150, 150]]
    ],
    [
      'turtle_turn_right',
      init(400, 300, right(90), forward(50)),
      [[200, 150, 200, 200]]
    ],
    [
      'turtle_turn_left',
      init(
        400,
        300,
        { type: 'turtle_turn_left', inputs: { VAL: num(90) } },
        forward(50)
      ),
      [[200, 150, 200, 100]]
    ],
    [
      'turtle_move',
      init(400, 300, {
        type: 'turtle_move',
        inputs: { XPOS: num(10), YPOS: num(20) }
      }),
      [[200, 150, 10, 20]]
    ],
    [
      'turtle_pen_up',
      init(400, 300, simple('turtle_pen_up'), forward(50), forward(50)),
      []
    ],
    [
      'turtle_pen_down',
      init(
        400,
        300,
        simple('turtle_pen_up'),
        forward(50),
        simple('turtle_pen_down'),
        forward(50)
      ),
      [[250, 150, 300, 150]]
    ],
    [
      'turtle_set_heading',
      init(
        400,
        300,
        right(45),
        { type: 'turtle_set_heading', inputs: { VAL: num(270) } },
        forward(100)
      ),
      [[200, 150, 200, 50]]
    ],
    [
      'turtle_home',
      init(
        400,
        300,
        forward(100),
        right(90),
        simple('turtle_home'),
        forward(10)
      ),
      [
        [200, 150, 300, 150],
        [300, 150, 200, 150],
        [200, 150, 210, 150]
      ]
    ],
    [
      'turtle_speed',
      init(
        400,
        300,
        { type: 'turtle_speed', inputs: { VAL: num(9) } },
        forward(10)
      ),
      [[200, 150, 210, 150]]
    ],
    [
      'turtle_line_width',
      init(
        400,
        300,
        { type: 'turtle_line_width', inputs: { VAL: num(5) } },
        forward(10)
      ),
      [[200, 150, 210, 150]]
    ],
    [
      'turtle_line_color',
      init(
        400,
        300,
        { type: 'turtle_line_color', inputs: { VAL: colour('#ff0000') } },
        forward(10)
      ),
      [[200, 150, 210, 150]]
    ],
    [
      'turtle_line_hsv',
      init(
        400,
        300,
        {
          type: 'turtle_line_hsv',
          inputs: { H: num(305), S: num(1), V: num(1) }
        },
        forward(10)
      ),
      [[200, 150, 210, 150]]
    ],
    [
      'turtle_fill',
      init(400, 300, {
        type: 'turtle_fill',
        inputs: {
          COLOUR: colour('#00ff00'),
          DO: {
            block: chain(forward(40), right(90), forward(40), right(90))
          }
        }
      }),
      [
        [200, 150, 240, 150],
        [240, 150, 240, 190]
      ]
    ],
    [
      'turtle_write',
      init(400, 300, {
        type: 'turtle_write',
        inputs: { TEXT: text('hi'), SIZE: num(20) }
      }),
      []
    ],
    [
      'turtle_background',
      init(400, 300, {
        type: 'turtle_background',
        inputs: { VAL: colour('#123456') }
      }),
      []
    ],
    ['turtle_show', init(400, 300, simple('turtle_show')), []],
    ['turtle_hide', init(400, 300, simple('turtle_hide')), []]
  ];

  it('should have a geometry case for every block except the curves', () => {
    const covered = new Set(GEOMETRY.map(([type]) => type));
    expect(
      TURTLE_BLOCK_TYPES.filter(
        t => !covered.has(t) && t !== 'turtle_circle' && t !== 'turtle_arc'
      )
    ).toEqual([]);
  });

  describe('geometry through the generated JavaScript and Python', () => {
    const programs = GEOMETRY.map(([, top]) => workspaceOf(top));
    let pythonDrawings: any[] = [];

    beforeAll(() => {
      pythonDrawings = runPython(programs.map(w => code(w, 'python')));
    });

    it.each(GEOMETRY.map((entry, i) => [entry[0], i] as [string, number]))(
      '%s',
      (type, i) => {
        const js = runJavascript(code(programs[i], 'javascript'));
        const expected = GEOMETRY[i][2];
        expectClose(segments(js), expected);
        // Python and JavaScript record the same drawing.
        expect(js).toEqual(pythonDrawings[i]);
      }
    );

    it('should record the style, text, background and visibility operations', () => {
      const ops = (type: string) =>
        runJavascript(
          code(programs[GEOMETRY.findIndex(g => g[0] === type)], 'javascript')
        ).ops;
      expect(ops('turtle_speed')).toContainEqual(['speed', 9]);
      expect(ops('turtle_line_width')).toContainEqual(['pen', '#000000', 5]);
      expect(ops('turtle_line_color')).toContainEqual(['pen', '#ff0000', 2]);
      // 305° is magenta-ish: the predecessor overflowed blue here.
      expect(ops('turtle_line_hsv')).toContainEqual(['pen', '#ff00e9', 2]);
      expect(ops('turtle_fill')).toContainEqual([
        'fill',
        '#00ff00',
        [
          [200, 150],
          [240, 150],
          [240, 190]
        ]
      ]);
      expect(ops('turtle_write')).toContainEqual([
        'text',
        200,
        150,
        'hi',
        '#000000',
        20
      ]);
      expect(ops('turtle_background')).toContainEqual(['bg', '#123456']);
      expect(ops('turtle_hide')).toContainEqual(['show', false]);
      expect(ops('turtle_show')).toContainEqual(['show', true]);
    });

    it('should draw a circle and an arc of the given radius', () => {
      const circle = workspaceOf(
        init(400, 300, {
          type: 'turtle_circle',
          inputs: { RADIUS: num(50) }
        })
      );
      const arc = workspaceOf(
        init(400, 300, {
          type: 'turtle_arc',
          inputs: { RADIUS: num(50), EXTENT: num(90) }
        })
      );
      const [circlePy, arcPy] = runPython([
        code(circle, 'python'),
        code(arc, 'python')
      ]);
      const circleJs = runJavascript(code(circle, 'javascript'));
      expect(circleJs).toEqual(circlePy);
      // Turning right from (200, 150) facing +x: the centre is (200, 200).
      for (const [x1, y1] of segments(circleJs)) {
        expect(Math.hypot(x1 - 200, y1 - 200)).toBeCloseTo(50, 0);
      }
      const last = segments(circleJs).pop()!;
      expect(last[2]).toBeCloseTo(200, 1);
      expect(last[3]).toBeCloseTo(150, 1);
      const arcSegments = segments(runJavascript(code(arc, 'javascript')));
      expect(runJavascript(code(arc, 'javascript'))).toEqual(arcPy);
      const end = arcSegments[arcSegments.length - 1];
      expect(end[2]).toBeCloseTo(250, 1);
      expect(end[3]).toBeCloseTo(200, 1);
    });
  });

  it('should carry the recorder once and keep a user variable called turtle', () => {
    const workspace = workspaceOf(
      init(
        400,
        300,
        {
          type: 'variables_set',
          fields: { VAR: { id: 'v' } },
          inputs: { VALUE: num(7) }
        },
        forward(10),
        forward(10)
      ),
      [{ name: 'turtle', id: 'v' }]
    );
    const python = code(workspace, 'python');
    expect(python.match(/def _ltilab_turtle_module/g)).toHaveLength(1);
    expect(python).toContain('turtle = 7');
    expect(python).toContain('turtle2.forward(10)');
    const [drawing] = runPython([python], 'turtle2');
    expect(segments(drawing)).toEqual([
      [200, 150, 210, 150],
      [210, 150, 220, 150]
    ]);
    const js = code(workspace, 'javascript');
    expect(js).not.toContain('alert(');
    expect(segments(runJavascript(js, 'turtle2'))).toEqual(segments(drawing));
  });

  it.each(['python', 'javascript'])(
    'should show the %s program without the runtime, and run it with the runtime once',
    language => {
      const workspace = workspaceOf(init(400, 300, forward(10), forward(20)));
      const result = generateCode(workspace, reg.getGenerator(language)!);
      const runtime = createTurtleRuntime(language as 'python' | 'javascript');
      const comment = language === 'python' ? '#' : '//';
      // The Code tab: one comment line stands for the runtime.
      expect(result.code.split('\n')[0]).toBe(
        `${comment} turtle runtime: added when the program runs`
      );
      expect(result.code).not.toContain(runtime.code.trim());
      expect(result.code.length).toBeLessThan(500);
      expect(result.code).toContain('forward(20)');
      // Run, copy and export: the runtime once, before the program.
      expect(result.runtime).toBe(runtime.code);
      const full = runnableCode(result);
      expect(full.startsWith(runtime.code)).toBe(true);
      expect(full.split(runtime.code.trim())).toHaveLength(2);
      expect(full.endsWith(result.program)).toBe(true);
      expect(result.program).not.toContain('runtime: added');
      const drawing =
        language === 'python' ? runPython([full])[0] : runJavascript(full);
      expect(segments(drawing)).toEqual([
        [200, 150, 210, 150],
        [210, 150, 230, 150]
      ]);
    }
  );

  it('should report a runtime that is not registered', () => {
    const bare = new BlocklyRegistry();
    bare.registerGenerators('python', createPythonGenerators());
    const result = generateCode(
      workspaceOf(init(400, 300)),
      bare.getGenerator('python')!
    );
    expect(result.error).toContain('No runtime "turtle" is registered');
    expect(result.code).toBe('');
  });

  it('should run the predecessor-style spiral sample the same in both languages', () => {
    const file = path.join(
      ROOT,
      'examples/sample-course/turtle-spiral.jpblockly'
    );
    const workspace = new Blockly.Workspace();
    workspaces.push(workspace);
    loadWorkspace(workspace, parseJpblockly(fs.readFileSync(file, 'utf8')), {
      isKnown: type => reg.hasBlock(type)
    });
    const [python] = runPython([code(workspace, 'python')]);
    const js = runJavascript(code(workspace, 'javascript'));
    const lines = segments(js);
    expect(lines).toHaveLength(72);
    lines.forEach(([x1, y1, x2, y2]) =>
      expect(Math.hypot(x2 - x1, y2 - y1)).toBeCloseTo(150, 1)
    );
    expect(compareSegments(segments(python), lines, 0.05).match).toBe(true);
    expect(js.width).toBe(400);
  });
});
