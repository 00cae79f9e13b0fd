/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { readFileSync } from 'fs';
import * as path from 'path';

import * as Blockly from 'blockly';

import {
  BlocklyRegistry,
  FORMAT_VERSION,
  generateCode,
  type IJpblocklyContent,
  JpblocklyFormatError,
  loadWorkspace,
  parseJpblockly,
  PLACEHOLDER_BLOCK_TYPE,
  readLtilabMetadata,
  saveWorkspace,
  serializeJpblockly
} from '../src';

const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, 'fixtures', name), 'utf-8');

/**
 * Content without `metadata.ltilab`, which saving adds; and without an
 * emptied `metadata`.
 */
function withoutLtilab(content: IJpblocklyContent): IJpblocklyContent {
  const { metadata, ...rest } = content;
  const others: { [key: string]: unknown } = { ...metadata };
  delete others.ltilab;
  return Object.keys(others).length > 0 ? { ...rest, metadata: others } : rest;
}

/**
 * Parse, load into a fresh workspace and save again.
 */
function roundTrip(text: string): {
  before: IJpblocklyContent;
  after: IJpblocklyContent;
  unknownTypes: ReadonlyArray<string>;
  workspace: Blockly.Workspace;
} {
  const before = parseJpblockly(text);
  const workspace = new Blockly.Workspace();
  const { unknownTypes } = loadWorkspace(workspace, before);
  const after = saveWorkspace(workspace, { previous: before });
  return { before, after, unknownTypes, workspace };
}

describe('@ltilab/broccoli format', () => {
  const registry = new BlocklyRegistry();
  const python = registry.getGenerator('python')!;

  describe('parseJpblockly', () => {
    it('should read an empty (0-byte) file as an empty workspace', () => {
      const text = fixture('empty.jpblockly');
      expect(text).toBe('');
      const content = parseJpblockly(text);
      expect(content).toEqual({});
      const workspace = new Blockly.Workspace();
      loadWorkspace(workspace, content);
      expect(workspace.getAllBlocks(false)).toHaveLength(0);
      const saved = saveWorkspace(workspace);
      expect(saved.blocks).toBeUndefined();
      expect(saved.variables).toEqual([]);
      expect(saved.metadata).toEqual({
        ltilab: { formatVersion: FORMAT_VERSION, toolbox: 'default' }
      });
      workspace.dispose();
    });

    it('should reject malformed JSON with a typed error and a clear message', () => {
      const text = fixture('malformed.jpblockly');
      let error: unknown;
      try {
        parseJpblockly(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JpblocklyFormatError);
      const formatError = error as JpblocklyFormatError;
      expect(formatError.reason).toBe('syntax');
      expect(formatError.message).toMatch(/^The file is not valid JSON: /);
      expect(formatError.cause).toBeInstanceOf(SyntaxError);
    });

    it('should not repair a file that is almost JSON', () => {
      // A trailing comma is a common hand-editing slip; it stays an error.
      expect(() => parseJpblockly('{"variables":[],}')).toThrow(
        JpblocklyFormatError
      );
    });

    it.each([
      ['[1, 2]', ''],
      ['"text"', ''],
      ['{"blocks": []}', 'blocks'],
      ['{"blocks": {"blocks": {}}}', 'blocks.blocks'],
      ['{"variables": [{"name": "x"}]}', 'variables[0]'],
      ['{"metadata": {"kernelspec": "python3"}}', 'metadata.kernelspec'],
      [
        '{"metadata": {"ltilab": {"allowedBlocks": "text_print"}}}',
        'metadata.ltilab.allowedBlocks'
      ],
      [
        '{"blocks":{"blocks":[{"type":"text_print","inputs":{"TEXT":{"block":{"id":"x"}}}}]}}',
        'blocks.blocks[0].inputs.TEXT.block'
      ]
    ])('should reject %s as not a workspace, at "%s"', (text, at) => {
      let error: JpblocklyFormatError | null = null;
      try {
        parseJpblockly(text);
      } catch (e) {
        error = e as JpblocklyFormatError;
      }
      expect(error).toBeInstanceOf(JpblocklyFormatError);
      expect(error!.reason).toBe('structure');
      expect(error!.path).toBe(at);
      expect(error!.message).toMatch(/^The file is not a Blockly workspace: /);
    });

    it('should report a block without a type with its location', () => {
      expect(() => parseJpblockly(fixture('missing-type.jpblockly'))).toThrow(
        /a block needs a "type" \(at blocks\.blocks\[0\]\)/
      );
    });

    it('should accept a byte-order mark', () => {
      expect(parseJpblockly('\ufeff{"variables":[]}')).toEqual({
        variables: []
      });
    });
  });

  describe('round trips', () => {
    it('should keep a jupyterlab-broccoli 0.4.x file with turtle blocks unchanged', () => {
      const text = fixture('broccoli-turtle.jpblockly');
      const { before, after, unknownTypes, workspace } = roundTrip(text);
      // No turtle add-on here: both turtle blocks are placeholders.
      expect(unknownTypes).toEqual(['turtle_forward', 'turtle_init']);
      expect(
        workspace
          .getAllBlocks(false)
          .filter(b => b.type === PLACEHOLDER_BLOCK_TYPE)
      ).toHaveLength(2);
      expect(withoutLtilab(after)).toEqual(before);
      expect(after.metadata?.kernelspec).toEqual({
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      });
      // Byte for byte, apart from our metadata.
      expect(serializeJpblockly(withoutLtilab(after))).toBe(text);
      workspace.dispose();
    });

    it('should keep a jupyterlab-blockly file unchanged and add only ltilab metadata', () => {
      const text = fixture('jupyterlab-blockly.jpblockly');
      const { before, after, unknownTypes, workspace } = roundTrip(text);
      expect(unknownTypes).toEqual([]);
      expect(before.metadata).toBeUndefined();
      expect(withoutLtilab(after)).toEqual(before);
      expect(after.metadata).toEqual({
        ltilab: { formatVersion: FORMAT_VERSION, toolbox: 'default' }
      });
      // And it runs.
      const result = generateCode(workspace, python);
      expect(result.missing).toEqual([]);
      expect(result.code).toContain('for count2 in range(int(count)):');
      expect(result.code).toContain('print(colour_rgb(100, 50, 0))');
      workspace.dispose();
    });

    it('should be stable: saving what was saved gives the same text', () => {
      for (const name of [
        'broccoli-turtle.jpblockly',
        'jupyterlab-blockly.jpblockly',
        'mixed-unknown.jpblockly'
      ]) {
        const first = serializeJpblockly(roundTrip(fixture(name)).after);
        const second = serializeJpblockly(roundTrip(first).after);
        expect(second).toBe(first);
      }
    });

    it('should keep unknown top-level keys and unknown metadata', () => {
      const { after, workspace } = roundTrip(
        fixture('mixed-unknown.jpblockly')
      );
      expect(after.extension).toEqual({ by: 'another tool' });
      expect(after.metadata?.author).toBe('teacher');
      workspace.dispose();
    });
  });

  describe('unknown blocks', () => {
    it('should keep unknown blocks in statement inputs, value inputs and stacks', () => {
      const { before, after, unknownTypes, workspace } = roundTrip(
        fixture('mixed-unknown.jpblockly')
      );
      expect(unknownTypes).toEqual([
        'turtle_forward',
        'turtle_heading',
        'turtle_left',
        'turtle_repeat_pen'
      ]);
      // Fields, extra state, data and flags of unknown blocks all survive.
      expect(withoutLtilab(after)).toEqual(before);
      workspace.dispose();
    });

    it('should fit placeholders where the original blocks were', () => {
      const content = parseJpblockly(fixture('mixed-unknown.jpblockly'));
      const workspace = new Blockly.Workspace();
      loadWorkspace(workspace, content);
      // A value block in a value input gets an output connection...
      const heading = workspace.getBlockById('r7')!;
      expect(heading.type).toBe(PLACEHOLDER_BLOCK_TYPE);
      expect(heading.outputConnection).not.toBeNull();
      expect(heading.getParent()!.id).toBe('r6');
      // ...a statement gets previous and next connections...
      const left = workspace.getBlockById('r5')!;
      expect(left.previousConnection).not.toBeNull();
      expect(left.getNextBlock()!.id).toBe('r6');
      // ...and a known block inside an unknown one stays a real block.
      const inner = workspace.getBlockById('s3')!;
      expect(inner.type).toBe('text_print');
      expect(inner.getSurroundParent()!.id).toBe('s1');
      workspace.dispose();
    });

    it('should save an unknown block that was moved and extended', () => {
      const content = parseJpblockly(fixture('broccoli-turtle.jpblockly'));
      const workspace = new Blockly.Workspace();
      loadWorkspace(workspace, content);
      const init = workspace.getBlockById('a1')!;
      init.moveBy(10, 20);
      const print = workspace.newBlock('text_print', 'new1');
      workspace
        .getBlockById('a4')!
        .nextConnection!.connect(print.previousConnection!);

      const saved = saveWorkspace(workspace, { previous: content });
      const top = saved.blocks!
        .blocks![0] as Blockly.serialization.blocks.State;
      expect(top.type).toBe('turtle_init');
      expect([top.x, top.y]).toEqual([50, 50]);
      const forward = top.next!.block!;
      expect(forward.type).toBe('turtle_forward');
      expect(forward.inputs!.VAL.shadow!.fields!.NUM).toBe(100);
      expect(forward.next!.block!.type).toBe('text_print');
      expect(JSON.stringify(saved)).not.toContain(PLACEHOLDER_BLOCK_TYPE);
      workspace.dispose();
    });

    it('should generate the known blocks and report the unknown ones', () => {
      const content = parseJpblockly(fixture('mixed-unknown.jpblockly'));
      const workspace = new Blockly.Workspace();
      loadWorkspace(workspace, content);
      const result = generateCode(workspace, python);
      expect(result.error).toBeNull();
      expect(
        result.missing.map(m => [m.blockId, m.type, m.unknownType])
      ).toEqual([
        ['r3', 'turtle_forward', true],
        ['r5', 'turtle_left', true],
        ['r7', 'turtle_heading', true],
        ['s1', 'turtle_repeat_pen', true]
      ]);
      expect(result.missing[0].message).toBe(
        'The block type "turtle_forward" is not installed, so no Python code is generated for it.'
      );
      expect(result.code).toContain('for count in range(4):');
      expect(result.code).toContain('print(None)');
      expect(result.code).toContain(
        'pass  # block "turtle_forward" has no Python generator'
      );
      workspace.dispose();
    });
  });

  describe('metadata', () => {
    it('should write the toolbox and allowed blocks under metadata.ltilab', () => {
      const before = parseJpblockly(fixture('broccoli-turtle.jpblockly'));
      const workspace = new Blockly.Workspace();
      loadWorkspace(workspace, before);
      const after = saveWorkspace(workspace, {
        previous: before,
        ltilab: {
          toolbox: 'turtle',
          allowedBlocks: ['turtle_forward', 'controls_repeat_ext']
        }
      });
      expect(after.metadata?.ltilab).toEqual({
        formatVersion: FORMAT_VERSION,
        toolbox: 'turtle',
        allowedBlocks: ['turtle_forward', 'controls_repeat_ext']
      });
      expect(after.metadata?.kernelspec?.name).toBe('python3');
      // Saving again without options keeps the choice.
      const again = saveWorkspace(workspace, {
        previous: parseJpblockly(serializeJpblockly(after))
      });
      expect(readLtilabMetadata(again)).toEqual(after.metadata?.ltilab);
      workspace.dispose();
    });

    it('should give defaults for files without ltilab metadata', () => {
      expect(readLtilabMetadata(parseJpblockly(''))).toEqual({
        formatVersion: FORMAT_VERSION,
        toolbox: 'default'
      });
    });

    it('should replace the kernelspec when a new one is given', () => {
      const workspace = new Blockly.Workspace();
      const saved = saveWorkspace(workspace, {
        previous: parseJpblockly(fixture('broccoli-turtle.jpblockly')),
        kernelspec: { name: 'xlua', display_name: 'Lua', language: 'lua' }
      });
      expect(saved.metadata?.kernelspec).toEqual({
        name: 'xlua',
        display_name: 'Lua',
        language: 'lua'
      });
      workspace.dispose();
    });

    it('should not bring back blocks deleted since the previous save', () => {
      const before = parseJpblockly(fixture('jupyterlab-blockly.jpblockly'));
      const workspace = new Blockly.Workspace();
      loadWorkspace(workspace, before);
      workspace.clear();
      const after = saveWorkspace(workspace, { previous: before });
      expect(after.blocks).toBeUndefined();
      expect(after.variables).toEqual([]);
      workspace.dispose();
    });
  });

  describe('large workspaces', () => {
    it('should load and save 5,000 blocks', () => {
      const stacks = Array.from({ length: 50 }, (_, s) => {
        let next: Blockly.serialization.blocks.State | undefined;
        for (let i = 99; i >= 0; i--) {
          next = {
            type: 'text_print',
            id: `b${s}-${i}`,
            inputs: {
              TEXT: {
                shadow: {
                  type: 'text',
                  id: `t${s}-${i}`,
                  fields: { TEXT: `${i}` }
                }
              }
            },
            ...(next ? { next: { block: next } } : {})
          };
        }
        return { ...next!, x: s * 200, y: 0 };
      });
      const text = serializeJpblockly({
        blocks: { languageVersion: 0, blocks: stacks },
        variables: []
      });
      const { before, after, workspace } = roundTrip(text);
      // 5,000 statements plus their 5,000 shadows.
      expect(workspace.getAllBlocks(false)).toHaveLength(10000);
      expect(withoutLtilab(after)).toEqual(before);
      workspace.dispose();
    });
  });
});
