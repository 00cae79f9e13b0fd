/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { BlocklyRegistry, IBlocklyRegistry } from '@ltilab/broccoli';
import { TURTLE_BLOCK_TYPES, TURTLE_TOOLBOX_ID } from '@ltilab/turtle';

import plugins from '../src';

describe('@ltilab/turtle-extension plugins', () => {
  it('should register the turtle blocks, generators, messages and toolbox', () => {
    const registry = new BlocklyRegistry();
    const changes: string[] = [];
    registry.changed.connect((_, change) => changes.push(change.kind));
    const blocks = plugins.find(
      p => p.id === '@ltilab/turtle-extension:blocks'
    )!;
    // The editor's registry token, shared with @ltilab/broccoli-extension.
    expect(blocks.requires).toContain(IBlocklyRegistry);
    void blocks.activate({} as any, registry, null);
    expect(TURTLE_BLOCK_TYPES.every(type => registry.hasBlock(type))).toBe(
      true
    );
    for (const language of ['python', 'javascript']) {
      const table = registry.getGenerator(language)!.forBlock as {
        [type: string]: unknown;
      };
      expect(
        TURTLE_BLOCK_TYPES.filter(type => typeof table[type] !== 'function')
      ).toEqual([]);
    }
    const toolbox = registry.getToolbox(TURTLE_TOOLBOX_ID)!;
    expect(toolbox.label).toBe('Turtle');
    expect(registry.toolboxes.map(t => t.id)).toEqual(['default', 'turtle']);
    expect(changes).toEqual(
      expect.arrayContaining(['messages', 'blocks', 'generators', 'toolbox'])
    );
  });
});
