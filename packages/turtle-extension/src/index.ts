/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module turtle-extension
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import {
  BLOCKLY_FACTORY,
  BlocklyEditor,
  createDefaultToolbox,
  IBlocklyRegistry
} from '@ltilab/broccoli';
import {
  createJavascriptGenerators,
  createPythonGenerators,
  createTurtleBlocks,
  createTurtleRuntime,
  createTurtleToolbox,
  TURTLE_MESSAGES,
  TURTLE_TOOLBOX_ID
} from '@ltilab/turtle';

import { saveAsExercise, TurtleExerciseExtension } from './exercise';

/**
 * The command ids of the turtle add-on.
 */
export namespace CommandIDs {
  export const saveExercise = 'ltilab-turtle:save-exercise';
}

/**
 * The icon of "Save as Turtle Exercise…": a turtle's goal flag.
 */
export const turtleExerciseIcon = new LabIcon({
  name: 'ltilab:turtle-exercise',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<path d="M5 2h2v20H5z"/><path d="M8 3h11l-3 4 3 4H8z"/>' +
    '</g></svg>'
});

/**
 * The turtle blocks: messages, blocks, Python and JavaScript generators and
 * the Turtle toolbox, registered into the block editor's registry.
 */
const blocksPlugin: JupyterFrontEndPlugin<void> = {
  id: '@ltilab/turtle-extension:blocks',
  description:
    'Adds the turtle-graphics blocks and the Turtle toolbox to the block editor.',
  autoStart: true,
  requires: [IBlocklyRegistry],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    registry: IBlocklyRegistry,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('ltilab');
    // Messages first: Blockly resolves %{BKY_…} when it creates a block.
    for (const [locale, bundle] of Object.entries(TURTLE_MESSAGES)) {
      registry.registerMessages(locale, bundle);
    }
    registry.registerBlocks(createTurtleBlocks());
    registry.registerRuntime('python', createTurtleRuntime('python'));
    registry.registerGenerators('python', createPythonGenerators());
    registry.registerRuntime('javascript', createTurtleRuntime('javascript'));
    registry.registerGenerators('javascript', createJavascriptGenerators());
    registry.registerToolbox({
      id: TURTLE_TOOLBOX_ID,
      label: trans.__('Turtle'),
      rank: 10,
      toolbox: createTurtleToolbox(createDefaultToolbox())
    });
  }
};

/**
 * Turtle exercises: "Save as Turtle Exercise…" for instructors, and for
 * everyone who opens an exercise, its instructions and the goal under the
 * drawing with a check after each run.
 */
const exercisesPlugin: JupyterFrontEndPlugin<void> = {
  id: '@ltilab/turtle-extension:exercises',
  description:
    'Turtle exercises in the block editor: save a solution as an exercise, and check drawings against its goal.',
  autoStart: true,
  requires: [IBlocklyRegistry],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    registry: IBlocklyRegistry,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('ltilab');
    const { commands, docRegistry, serviceManager, shell } = app;

    // Every editor gets the exercise view; it shows only for exercises.
    docRegistry.addWidgetExtension(
      BLOCKLY_FACTORY,
      new TurtleExerciseExtension({ translator })
    );

    const current = (): BlocklyEditor | null =>
      shell.currentWidget instanceof BlocklyEditor ? shell.currentWidget : null;

    commands.addCommand(CommandIDs.saveExercise, {
      label: args =>
        args['toolbar'] ? '' : trans.__('Save as Turtle Exercise…'),
      icon: args => (args['toolbar'] ? turtleExerciseIcon : undefined),
      caption: trans.__(
        'Save a copy of this file as an exercise: the last drawing is the goal'
      ),
      isEnabled: () => current() !== null,
      execute: async () => {
        const editor = current();
        if (editor) {
          await saveAsExercise(editor, {
            contents: serviceManager.contents,
            commands,
            trans
          });
        }
      }
    });
    shell.currentChanged?.connect(() =>
      commands.notifyCommandChanged(CommandIDs.saveExercise)
    );
    if (palette) {
      palette.addItem({
        command: CommandIDs.saveExercise,
        category: trans.__('Blockly Editor')
      });
    }
  }
};

export default [blocksPlugin, exercisesPlugin] as JupyterFrontEndPlugin<void>[];
