/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';
import { javascriptGenerator } from 'blockly/javascript';
import { Order as PythonOrder, pythonGenerator } from 'blockly/python';

import {
  BlocklyRegistry,
  type BlockGeneratorFunction,
  DEFAULT_TOOLBOX_ID,
  generateCode,
  type IBlockGenerator,
  type IBlocklyRegistry,
  runnableCode
} from '../src';

/**
 * A workspace holding `print(<block of type>)` or just the block.
 */
function workspaceWith(type: string, wrapInPrint = false): Blockly.Workspace {
  const workspace = new Blockly.Workspace();
  const block = { type, id: 'the-block' };
  Blockly.serialization.workspaces.load(
    {
      blocks: {
        languageVersion: 0,
        blocks: [
          wrapInPrint
            ? { type: 'text_print', id: 'print', inputs: { TEXT: { block } } }
            : block
        ]
      }
    },
    workspace
  );
  return workspace;
}

const forward: BlockGeneratorFunction = (block, generator) =>
  `forward(${generator.valueToCode(block, 'VAL', 0) || '0'})\n`;

describe('@ltilab/broccoli BlocklyRegistry', () => {
  const workspaces: Blockly.Workspace[] = [];
  const track = (workspace: Blockly.Workspace) => {
    workspaces.push(workspace);
    return workspace;
  };

  beforeAll(() => {
    Blockly.common.defineBlocksWithJsonArray([
      {
        type: 'test_forward',
        message0: 'forward %1',
        args0: [{ type: 'input_value', name: 'VAL' }],
        previousStatement: null,
        nextStatement: null
      }
    ]);
  });

  afterAll(() => {
    workspaces.forEach(workspace => workspace.dispose());
  });

  describe('registry isolation: two generators don’t leak into each other', () => {
    it('should keep a generator registered on one registry out of another', () => {
      const a = new BlocklyRegistry();
      const b = new BlocklyRegistry();
      a.registerGenerators('python', { test_forward: forward });

      expect(a.getGenerator('python')!.forBlock['test_forward']).toBe(forward);
      expect(
        b.getGenerator('python')!.forBlock['test_forward']
      ).toBeUndefined();

      const workspace = track(workspaceWith('test_forward'));
      expect(generateCode(workspace, a.getGenerator('python')!).code).toBe(
        'forward(0)\n'
      );
      const fromB = generateCode(workspace, b.getGenerator('python')!);
      expect(fromB.code).not.toContain('forward(0)');
      expect(fromB.missing.map(m => m.blockId)).toEqual(['the-block']);
    });

    it('should keep a generator for one language out of the others', () => {
      const registry = new BlocklyRegistry();
      registry.registerGenerators('python', { test_forward: forward });
      expect(
        registry.getGenerator('javascript')!.forBlock['test_forward']
      ).toBeUndefined();
      expect(
        registry.getGenerator('lua')!.forBlock['test_forward']
      ).toBeUndefined();
    });

    it('should never touch Blockly’s exported generator singletons', () => {
      const stockPrint = pythonGenerator.forBlock['text_print'];
      const registry = new BlocklyRegistry();
      const custom: BlockGeneratorFunction = () => 'custom_print()\n';
      registry.registerGenerators('python', {
        test_forward: forward,
        text_print: custom
      });
      registry.registerGenerators('javascript', { test_forward: forward });

      expect(pythonGenerator.forBlock['test_forward']).toBeUndefined();
      expect(pythonGenerator.forBlock['text_print']).toBe(stockPrint);
      expect(javascriptGenerator.forBlock['test_forward']).toBeUndefined();
      // Our generators are distinct instances with distinct tables.
      expect(registry.getGenerator('python')).not.toBe(pythonGenerator);
      expect(registry.getGenerator('python')!.forBlock).not.toBe(
        pythonGenerator.forBlock
      );

      // The override works on the registry and nowhere else.
      const workspace = track(workspaceWith('text', true));
      expect(
        generateCode(workspace, registry.getGenerator('python')!).code
      ).toBe('custom_print()\n');
      expect(pythonGenerator.workspaceToCode(workspace)).toBe("print('')\n");
      const other = new BlocklyRegistry();
      expect(generateCode(workspace, other.getGenerator('python')!).code).toBe(
        "print('')\n"
      );
    });

    it('should not pick up later changes to Blockly’s singletons', () => {
      const registry = new BlocklyRegistry();
      pythonGenerator.forBlock['test_forward'] = () => 'leaked()\n';
      try {
        expect(
          registry.getGenerator('python')!.forBlock['test_forward']
        ).toBeUndefined();
      } finally {
        delete pythonGenerator.forBlock['test_forward'];
      }
    });

    it('should restore the stock generator when a registration is disposed', () => {
      const registry = new BlocklyRegistry();
      const generator = registry.getGenerator('python')!;
      const stockPrint = generator.forBlock['text_print'];
      const custom: BlockGeneratorFunction = () => 'custom_print()\n';
      const registration = registry.registerGenerators('python', {
        text_print: custom,
        test_forward: forward
      });
      expect(generator.forBlock['text_print']).toBe(custom);
      registration.dispose();
      expect(generator.forBlock['text_print']).toBe(stockPrint);
      expect(generator.forBlock['test_forward']).toBeUndefined();
    });
  });

  describe('generators', () => {
    it('should have Python, JavaScript and Lua, matched without case', () => {
      const registry = new BlocklyRegistry();
      expect(registry.languages).toEqual(['python', 'javascript', 'lua']);
      expect(registry.getGenerator('Python')).toBe(
        registry.getGenerator('python')
      );
      expect(registry.getGenerator('r')).toBeUndefined();
      expect(() =>
        registry.registerGenerators('r', { test_forward: forward })
      ).toThrow(/no generator for the language "r"/);
    });

    it('should report a block without a generator for the language, not throw', () => {
      const registry = new BlocklyRegistry();
      registry.registerGenerators('python', { test_forward: forward });
      const workspace = track(workspaceWith('test_forward'));
      const result = generateCode(workspace, registry.getGenerator('lua')!);
      expect(result.error).toBeNull();
      expect(result.missing).toEqual([
        {
          blockId: 'the-block',
          type: 'test_forward',
          unknownType: false,
          message: 'The block "test_forward" has no Lua generator.'
        }
      ]);
      expect(result.code).toBe(
        '-- block "test_forward" has no Lua generator\n'
      );
    });

    it('should give a value block without a generator a null value', () => {
      Blockly.common.defineBlocksWithJsonArray([
        { type: 'test_heading', message0: 'heading', output: 'Number' }
      ]);
      const registry = new BlocklyRegistry();
      const workspace = track(workspaceWith('test_heading', true));
      expect(
        generateCode(workspace, registry.getGenerator('python')!).code
      ).toBe('print(None)\n');
      expect(
        generateCode(workspace, registry.getGenerator('javascript')!).code
      ).toBe('window.alert(null);\n');
      registry.registerGenerators('python', {
        test_heading: () => ['heading()', PythonOrder.FUNCTION_CALL]
      });
      const result = generateCode(workspace, registry.getGenerator('python')!);
      expect(result.code).toBe('print(heading())\n');
      expect(result.missing).toEqual([]);
    });

    it('should report a generator that throws as an error', () => {
      const registry = new BlocklyRegistry();
      registry.registerGenerators('python', {
        test_forward: () => {
          throw new Error('turtle bug');
        }
      });
      const workspace = track(workspaceWith('test_forward'));
      const result = generateCode(workspace, registry.getGenerator('python')!);
      expect(result.code).toBe('');
      expect(result.error).toBe(
        'The Python code could not be generated: turtle bug'
      );
    });
  });

  describe('runtimes', () => {
    const GREET: IBlocklyRegistry.IRuntime = {
      name: 'greet',
      names: ['greet'],
      code: 'def greet(n):\n    print("forward", n)\n'
    };
    // A generator function that needs the runtime, as an add-on writes it.
    const greeting: BlockGeneratorFunction = (block, generator) => {
      (generator as unknown as IBlockGenerator).requireRuntime('greet');
      return `greet(${generator.valueToCode(block, 'VAL', 0) || '0'})\n`;
    };

    it('should show a comment for a runtime, and run it once before the program', () => {
      const registry = new BlocklyRegistry();
      const changes: IBlocklyRegistry.IChange[] = [];
      registry.changed.connect((_, change) => changes.push(change));
      const runtime = registry.registerRuntime('python', GREET);
      registry.registerGenerators('python', { test_forward: greeting });
      expect(changes[0]).toEqual({ kind: 'runtimes', keys: ['python'] });
      const workspace = track(new Blockly.Workspace());
      Blockly.serialization.workspaces.load(
        {
          blocks: {
            languageVersion: 0,
            blocks: [
              {
                type: 'variables_set',
                fields: { VAR: { id: 'v' } },
                next: {
                  block: {
                    type: 'test_forward',
                    next: { block: { type: 'test_forward' } }
                  }
                }
              }
            ]
          },
          // A user variable named like the runtime's function is renamed.
          variables: [{ name: 'greet', id: 'v' }]
        },
        workspace
      );
      const result = generateCode(workspace, registry.getGenerator('python')!);
      expect(result.error).toBeNull();
      expect(result.program).toBe(
        'greet2 = None\n\n\ngreet2 = 0\ngreet(0)\ngreet(0)\n'
      );
      expect(result.code).toBe(
        '# greet runtime: added when the program runs\n' + result.program
      );
      expect(result.runtime).toBe(GREET.code);
      expect(runnableCode(result)).toBe(`${GREET.code}\n${result.program}`);

      // Another language's generator has no such runtime; a program without
      // the block needs none.
      expect(() =>
        registry.getGenerator('lua')!.requireRuntime('greet')
      ).toThrow(/No runtime "greet" is registered for lua/);
      const empty = generateCode(
        track(new Blockly.Workspace()),
        registry.getGenerator('python')!
      );
      expect([empty.code, empty.runtime]).toEqual(['', '']);

      // Unregistered: requiring it is a generation error, not a throw.
      runtime.dispose();
      expect(
        generateCode(workspace, registry.getGenerator('python')!).error
      ).toBe(
        'The Python code could not be generated: No runtime "greet" is registered for python.'
      );
      expect(() => registry.registerRuntime('r', GREET)).toThrow(
        /no generator for the language "r"/
      );
    });

    it('should refuse two runtimes of the same name for a language', () => {
      const registry = new BlocklyRegistry();
      registry.registerRuntime('python', GREET);
      expect(() => registry.registerRuntime('python', GREET)).toThrow(
        /already registered for python/
      );
      expect(() => registry.registerRuntime('javascript', GREET)).not.toThrow();
    });
  });

  describe('toolboxes', () => {
    it('should hold the default toolbox with a label', () => {
      const registry = new BlocklyRegistry();
      const toolbox = registry.getToolbox(DEFAULT_TOOLBOX_ID)!;
      expect(toolbox.label).toBe('Default');
      expect(toolbox.toolbox.kind).toBe('categoryToolbox');
      expect(registry.toolboxes.map(t => t.id)).toEqual([DEFAULT_TOOLBOX_ID]);
    });

    it('should register toolboxes by stable id, ordered by rank then label', () => {
      const registry = new BlocklyRegistry();
      const changes: IBlocklyRegistry.IChange[] = [];
      registry.changed.connect((_, change) => changes.push(change));
      const toolbox: Blockly.utils.toolbox.ToolboxInfo = {
        kind: 'flyoutToolbox',
        contents: []
      };
      registry.registerToolbox({
        id: 'zeta',
        label: 'Zeta',
        toolbox: { ...toolbox }
      });
      const turtle = registry.registerToolbox({
        id: 'turtle',
        label: 'Turtle',
        toolbox: { ...toolbox },
        rank: 10
      });
      registry.registerToolbox({
        id: 'alpha',
        label: 'Alpha',
        toolbox: { ...toolbox }
      });
      expect(registry.toolboxes.map(t => t.id)).toEqual([
        'default',
        'turtle',
        'alpha',
        'zeta'
      ]);
      expect(changes.map(c => c.keys[0])).toEqual(['zeta', 'turtle', 'alpha']);
      expect(() =>
        registry.registerToolbox({
          id: 'turtle',
          label: 'Other',
          toolbox: { ...toolbox }
        })
      ).toThrow(/already registered/);

      turtle.dispose();
      expect(registry.getToolbox('turtle')).toBeUndefined();
      expect(changes).toHaveLength(4);
    });
  });

  describe('blocks', () => {
    it('should define blocks from JSON and remove them on dispose', () => {
      const registry = new BlocklyRegistry();
      expect(registry.hasBlock('test_pen_up')).toBe(false);
      const registration = registry.registerBlocks([
        {
          type: 'test_pen_up',
          message0: 'pen up',
          previousStatement: null,
          nextStatement: null
        }
      ]);
      expect(registry.hasBlock('test_pen_up')).toBe(true);
      const workspace = track(new Blockly.Workspace());
      expect(
        workspace.newBlock('test_pen_up').previousConnection
      ).not.toBeNull();
      registration.dispose();
      expect(registry.hasBlock('test_pen_up')).toBe(false);
      expect(Blockly.Blocks['test_pen_up']).toBeUndefined();
    });

    it('should know the stock and colour blocks', () => {
      const registry = new BlocklyRegistry();
      expect(registry.hasBlock('controls_if')).toBe(true);
      expect(registry.hasBlock('colour_blend')).toBe(true);
    });
  });

  describe('messages and locale', () => {
    afterEach(async () => {
      await new BlocklyRegistry().setLocale('en');
    });

    it('should apply an English bundle at once', () => {
      const registry = new BlocklyRegistry();
      registry.registerMessages('en', { TEST_FORWARD: 'forward' });
      expect(Blockly.Msg['TEST_FORWARD']).toBe('forward');
      expect(registry.locale).toBe('en');
    });

    it('should switch Blockly, the categories and the add-on bundles to Japanese', async () => {
      const registry = new BlocklyRegistry();
      registry.registerMessages('en', {
        TEST_FORWARD: 'forward',
        TEST_ONLY_EN: 'only'
      });
      registry.registerMessages('ja', { TEST_FORWARD: '前へ' });
      expect(Blockly.Msg['TEST_FORWARD']).toBe('forward');

      await expect(registry.setLocale('ja-JP')).resolves.toBe('ja');
      expect(registry.locale).toBe('ja');
      expect(Blockly.Msg['TEST_FORWARD']).toBe('前へ');
      // English is the fallback for keys a locale lacks.
      expect(Blockly.Msg['TEST_ONLY_EN']).toBe('only');
      expect(
        Blockly.utils.parsing.replaceMessageReferences('%{BKY_TOOLBOX_LOGIC}')
      ).toBe('論理');
      expect(Blockly.Msg['LISTS_CREATE_EMPTY_TITLE']).toBe('空のリストを作成');

      // A bundle registered after the switch applies at once: no race with
      // add-ons that activate late.
      registry.registerMessages('ja_JP', { TEST_LATE: '遅い' });
      expect(Blockly.Msg['TEST_LATE']).toBe('遅い');

      await registry.setLocale('en');
      expect(Blockly.Msg['TEST_FORWARD']).toBe('forward');
      expect(
        Blockly.utils.parsing.replaceMessageReferences('%{BKY_TOOLBOX_LOGIC}')
      ).toBe('Logic');
    });

    it('should never fall back to Lithuanian for "default"', async () => {
      const registry = new BlocklyRegistry();
      await expect(registry.setLocale('default')).resolves.toBe('en');
      const withBrowser = new BlocklyRegistry({
        fallbackLanguages: ['ja-JP', 'en-US']
      });
      await expect(withBrowser.setLocale('default')).resolves.toBe('ja');
    });
  });
});
