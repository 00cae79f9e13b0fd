/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { readFileSync } from 'fs';
import * as path from 'path';

import * as Blockly from 'blockly';
import { Context, TextModelFactory } from '@jupyterlab/docregistry';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { ServiceManagerMock } from '@jupyterlab/services/lib/testutils';
import { defaultRenderMime } from '@jupyterlab/testutils';
import { Widget } from '@lumino/widgets';

import {
  BlocklyEditor,
  BlocklyEditorFactory,
  BlocklyPanel,
  BlocklyRegistry,
  parseJpblockly
} from '../src';

const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, 'fixtures', name), 'utf-8');

const headless = () => new Blockly.Workspace();

/**
 * A context on an in-memory contents manager holding `text` at `path`.
 */
async function openContext(
  text: string,
  filePath = 'exercise.jpblockly'
): Promise<DocumentRegistry.IContext<DocumentRegistry.ICodeModel>> {
  const manager = new ServiceManagerMock();
  await manager.contents.save(filePath, {
    type: 'file',
    format: 'text',
    content: text
  });
  const context = new Context({
    manager,
    factory: new TextModelFactory(),
    path: filePath,
    kernelPreference: { shouldStart: false, canStart: false }
  });
  await context.initialize(false);
  return context as DocumentRegistry.IContext<DocumentRegistry.ICodeModel>;
}

/**
 * Wait until a condition holds (the panel writes and generates debounced).
 */
// Generous: debounced writes come late when CI's two cores are busy.
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

async function diskText(
  context: DocumentRegistry.IContext<DocumentRegistry.ICodeModel>
): Promise<string> {
  const model = await (
    context as unknown as {
      _manager: { contents: { get(p: string, o: unknown): Promise<any> } };
    }
  )._manager.contents.get(context.path, { content: true, format: 'text' });
  return model.content as string;
}

describe('@ltilab/broccoli', () => {
  describe('BlocklyPanel', () => {
    let registry: BlocklyRegistry;
    const panels: BlocklyPanel[] = [];

    beforeAll(() => {
      registry = new BlocklyRegistry();
    });

    afterEach(() => {
      for (const panel of panels.splice(0)) {
        if (panel.isAttached) {
          Widget.detach(panel);
        }
        panel.context.dispose();
        panel.dispose();
      }
    });

    async function open(text: string): Promise<BlocklyPanel> {
      const context = await openContext(text);
      const panel = new BlocklyPanel({
        context,
        registry,
        rendermime: defaultRenderMime(),
        inject: headless,
        saveDelay: 0,
        generateDelay: 0
      });
      panels.push(panel);
      Widget.attach(panel, document.body);
      await context.ready;
      await until(() => panel.workspace !== null);
      return panel;
    }

    it('should load a jupyterlab-blockly file without dirtying the document', async () => {
      const text = fixture('jupyterlab-blockly.jpblockly');
      const panel = await open(text);
      await until(() => panel.code.includes('print'));
      expect(panel.workspace!.getAllBlocks(false).length).toBeGreaterThan(3);
      expect(panel.loadError).toBeNull();
      expect(panel.context.model.dirty).toBe(false);
      expect(panel.context.model.toString()).toBe(text);
      expect(panel.language).toBe('python');
    });

    it('should write block edits into the model, debounced, and save them', async () => {
      const text = fixture('jupyterlab-blockly.jpblockly');
      const panel = await open(text);
      const before = parseJpblockly(text);
      const block = panel.workspace!.newBlock('text_print');
      block.moveBy(300, 300);
      await until(() => panel.context.model.toString() !== text);
      expect(panel.context.model.dirty).toBe(true);
      const written = parseJpblockly(panel.context.model.toString());
      expect(written.metadata?.kernelspec).toEqual(before.metadata?.kernelspec);
      expect(written.metadata?.ltilab?.toolbox).toBe('default');
      expect(written.blocks?.blocks?.map(b => b.type)).toContain('text_print');

      await panel.context.save();
      expect(panel.context.model.dirty).toBe(false);
      expect(await diskText(panel.context)).toBe(
        panel.context.model.toString()
      );
    });

    it('should reload the workspace when the model changes from outside', async () => {
      const panel = await open('');
      expect(panel.workspace!.getAllBlocks(false)).toHaveLength(0);
      panel.context.model.fromString(fixture('jupyterlab-blockly.jpblockly'));
      await until(() => panel.workspace!.getAllBlocks(false).length > 3);
      // A reload is not an edit: nothing is written back.
      await new Promise(resolve => setTimeout(resolve, 20));
      expect(panel.context.model.toString()).toBe(
        fixture('jupyterlab-blockly.jpblockly')
      );
    });

    it('should show malformed JSON as an error and never overwrite the file', async () => {
      const text = fixture('malformed.jpblockly');
      const panel = await open(text);
      await until(() => panel.loadError !== null);
      expect(panel.loadError).toContain('JSON');
      const error = panel.node.querySelector('.jp-LtilabBlockly-error');
      expect(error?.textContent).toContain('cannot be opened');
      expect(error?.classList.contains('lm-mod-hidden')).toBe(false);
      // An event on the (empty) workspace writes nothing.
      panel.workspace!.newBlock('text_print');
      await new Promise(resolve => setTimeout(resolve, 20));
      expect(panel.context.model.toString()).toBe(text);
      await panel.context.save();
      expect(await diskText(panel.context)).toBe(text);
    });

    it('should open a workspace of 5,000 blocks', async () => {
      const blocks = Array.from({ length: 2500 }, (_, i) => ({
        type: 'text_print',
        id: `p${i}`,
        x: 0,
        y: i * 40,
        inputs: {
          TEXT: {
            block: { type: 'text', id: `t${i}`, fields: { TEXT: `${i}` } }
          }
        }
      }));
      const text = JSON.stringify({
        blocks: { languageVersion: 0, blocks },
        variables: []
      });
      const panel = await open(text);
      await until(() => panel.workspace!.getAllBlocks(false).length === 5000);
      expect(panel.loadError).toBeNull();
      expect(panel.code).toContain("print('2499')");
      expect(panel.context.model.dirty).toBe(false);
    });

    it('should save the toolbox choice in metadata.ltilab', async () => {
      const panel = await open('');
      const toolbox = registry.registerToolbox({
        id: 'exercise-1',
        label: 'Exercise 1',
        toolbox: { kind: 'flyoutToolbox', contents: [] }
      });
      try {
        panel.toolboxId = 'exercise-1';
        const written = parseJpblockly(panel.context.model.toString());
        expect(written.metadata?.ltilab?.toolbox).toBe('exercise-1');
        expect(written.variables).toEqual([]);
      } finally {
        toolbox.dispose();
      }
    });

    it('should generate code for the kernel language and report missing blocks', async () => {
      const panel = await open(fixture('mixed-unknown.jpblockly'));
      const result = panel.generate();
      expect(result.error).toBeNull();
      expect(result.missing.length).toBeGreaterThan(0);
      expect(result.missing[0].unknownType).toBe(true);
    });
  });

  describe('BlocklyEditorFactory', () => {
    it('should create document widgets around a Blockly panel', async () => {
      const registry = new BlocklyRegistry();
      const factory = new BlocklyEditorFactory({
        name: 'Blockly Editor',
        fileTypes: ['blockly'],
        registry,
        rendermime: defaultRenderMime(),
        inject: headless
      });
      const context = await openContext('');
      const widget = factory.createNew(context);
      expect(widget).toBeInstanceOf(BlocklyEditor);
      expect(widget.content).toBeInstanceOf(BlocklyPanel);
      expect(widget.hasClass('jp-LtilabBlocklyEditor')).toBe(true);
      widget.dispose();
      expect(widget.content.workspace).toBeNull();
      context.dispose();
    });
  });
});
