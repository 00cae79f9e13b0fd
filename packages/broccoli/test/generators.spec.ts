/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { spawnSync } from 'child_process';
import * as vm from 'vm';

import * as Blockly from 'blockly';

import {
  BlocklyRegistry,
  createDefaultToolbox,
  generateCode,
  toolboxBlockTypes
} from '../src';
import { CASES, type ICase, VARIABLES } from './programs';

const LANGUAGES = ['python', 'javascript', 'lua'] as const;

/**
 * Run a JSON list of `{code, stdin}` from standard input, and print a JSON
 * list of `{stdout, error}`.
 */
const PYTHON_RUNNER = `
import contextlib, io, json, sys, traceback
results = []
for program in json.load(sys.stdin):
    out = io.StringIO()
    sys.stdin = io.StringIO(program['stdin'])
    error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(program['code'], '<blocks>', 'exec'), {'__name__': '__main__'})
        except BaseException:
            error = traceback.format_exc()
    results.append({'stdout': out.getvalue(), 'error': error})
sys.stdout.write(json.dumps(results))
`;

/**
 * Load a case's program into a new headless workspace.
 */
function load(testCase: ICase): Blockly.Workspace {
  const workspace = new Blockly.Workspace();
  Blockly.serialization.workspaces.load(
    {
      blocks: {
        languageVersion: 0,
        // Top blocks are generated in order of position.
        blocks: testCase.blocks.map((block, i) => ({
          ...block,
          x: 0,
          y: i * 100
        }))
      },
      variables: VARIABLES
    },
    workspace
  );
  return workspace;
}

describe('@ltilab/broccoli generators', () => {
  const registry = new BlocklyRegistry();
  const workspaces: Blockly.Workspace[] = [];
  const code = (testCase: ICase, language: string): string => {
    const workspace = load(testCase);
    workspaces.push(workspace);
    const result = generateCode(workspace, registry.getGenerator(language)!);
    expect(result.error).toBeNull();
    expect(result.missing).toEqual([]);
    return result.code;
  };

  afterAll(() => {
    workspaces.forEach(workspace => workspace.dispose());
  });

  it('should have a case for every block of the default toolbox', () => {
    const toolboxTypes = toolboxBlockTypes(createDefaultToolbox(), {
      dynamic: true
    });
    // The toolbox really offers the categories' blocks, not just a few.
    expect(toolboxTypes.length).toBeGreaterThanOrEqual(50);
    const covered = new Set(CASES.map(c => c.type));
    expect(toolboxTypes.filter(type => !covered.has(type))).toEqual([]);
  });

  describe.each(LANGUAGES)('%s', language => {
    it.each(CASES.map(c => [`${c.type}: ${c.name}`, c] as const))(
      'should generate %s',
      (_title, testCase) => {
        const generated = code(testCase, language);
        for (const fragment of testCase[language]) {
          expect(generated).toContain(fragment);
        }
      }
    );
  });

  describe('running the Python code', () => {
    const runnable = CASES.filter(c => c.pyOut !== undefined);
    let results: { stdout: string; error: string | null }[] = [];

    beforeAll(() => {
      // One interpreter runs every program in a fresh namespace, with its own
      // standard input and output: spawning one per program is slow.
      const programs = runnable.map(c => ({
        code: code(c, 'python'),
        stdin: c.stdin ?? ''
      }));
      const run = spawnSync('python3', ['-c', PYTHON_RUNNER], {
        input: JSON.stringify(programs),
        encoding: 'utf-8',
        timeout: 60000
      });
      expect(run.error).toBeUndefined();
      expect(run.stderr).toBe('');
      results = JSON.parse(run.stdout);
    });

    it.each(runnable.map((c, i) => [`${c.type}: ${c.name}`, c, i] as const))(
      'should print the expected output for %s',
      (_title, testCase, index) => {
        const result = results[index];
        expect(result.error).toBeNull();
        const output = result.stdout.trimEnd();
        if (testCase.pyOut instanceof RegExp) {
          expect(output).toMatch(testCase.pyOut);
        } else {
          expect(output).toBe(testCase.pyOut);
        }
      }
    );
  });

  describe('running the JavaScript code', () => {
    it.each(CASES.map(c => [`${c.type}: ${c.name}`, c] as const))(
      'should run %s without errors',
      (_title, testCase) => {
        const alerts: string[] = [];
        const window = {
          alert: (value: unknown) => alerts.push(String(value)),
          prompt: () => '41'
        };
        new vm.Script(code(testCase, 'javascript')).runInNewContext(
          { window },
          { timeout: 2000 }
        );
        // Every program prints, except the ones that only define things.
        expect(alerts.length).toBeGreaterThan(0);
        if (
          typeof testCase.pyOut === 'string' &&
          /^-?\d+$/.test(testCase.pyOut)
        ) {
          // Integers print the same in both languages.
          expect(alerts.join('\n')).toBe(testCase.pyOut);
        }
      }
    );
  });
});
