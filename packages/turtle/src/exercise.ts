/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type {
  IExerciseMetadata,
  IJpblocklyContent,
  ILtilabMetadata
} from '@ltilab/broccoli';

import {
  type ITurtleDrawing,
  parseDrawing,
  TURTLE_MIME_TYPE,
  TurtleDrawingError
} from './drawing';

/**
 * How many pixels an attempt's lines may be off and still match, unless the
 * exercise says otherwise.
 */
export const DEFAULT_TOLERANCE = 2;

/**
 * A turtle exercise, as read from a `.jpblockly` file.
 */
export interface ITurtleExercise {
  /**
   * The drawing to reproduce.
   */
  readonly goal: ITurtleDrawing;

  /**
   * The instructions by language code; may be empty.
   */
  readonly instructions: { readonly [language: string]: string };

  /**
   * The tolerance of the check, in pixels.
   */
  readonly tolerance: number;
}

/**
 * What a new exercise starts with:
 * - `empty`: an empty workspace;
 * - `first`: the solution's first block alone (e.g. `turtle_init` with its
 *   canvas size), without the blocks that follow it;
 * - `all`: the workspace as it is (the instructor removed what the students
 *   are to add).
 */
export type ExerciseStart = 'empty' | 'first' | 'all';

/**
 * Read the turtle exercise of a file.
 *
 * @returns The exercise, or `null` if the file poses none (or one whose goal
 * is not a turtle drawing).
 * @throws A `TurtleDrawingError` if the goal drawing is malformed.
 */
export function readTurtleExercise(
  content: IJpblocklyContent
): ITurtleExercise | null {
  const exercise = content.metadata?.ltilab?.exercise;
  const data = exercise?.goal?.[TURTLE_MIME_TYPE];
  if (!exercise || data === undefined) {
    return null;
  }
  let goal: ITurtleDrawing;
  try {
    goal = parseDrawing(data);
  } catch (reason) {
    throw new TurtleDrawingError(
      `metadata.ltilab.exercise.goal: ${(reason as Error).message}`
    );
  }
  return {
    goal,
    instructions: { ...(exercise.instructions ?? {}) },
    tolerance: exercise.tolerance ?? DEFAULT_TOLERANCE
  };
}

/**
 * The instructions in the user's language: the exact code, then its
 * language, then English, then any.
 *
 * @param languageCode - `ITranslator.languageCode`, e.g. `ja-JP` or `en`.
 */
export function instructionsFor(
  instructions: { readonly [language: string]: string },
  languageCode: string
): string {
  const code = languageCode.replace('_', '-').toLowerCase();
  const language = code.split('-')[0];
  const entries = Object.entries(instructions).filter(([, text]) =>
    text.trim()
  );
  const find = (test: (key: string) => boolean) =>
    entries.find(([key]) => test(key.replace('_', '-').toLowerCase()))?.[1];
  return (
    find(key => key === code) ??
    find(key => key.split('-')[0] === language) ??
    find(key => key.split('-')[0] === 'en') ??
    entries[0]?.[1] ??
    ''
  );
}

/**
 * Options of `createTurtleExercise`.
 */
export interface ICreateExerciseOptions {
  /**
   * The goal: the solution's drawing.
   */
  goal: ITurtleDrawing;

  /**
   * Instructions by language code; blank ones are left out.
   */
  instructions: { [language: string]: string };

  /**
   * The block types students may use; empty or absent allows all.
   */
  allowedBlocks?: ReadonlyArray<string>;

  /**
   * What the students' workspace starts with.
   */
  start: ExerciseStart;

  /**
   * The tolerance of the check; `DEFAULT_TOLERANCE` when absent.
   */
  tolerance?: number;
}

/**
 * Make an exercise file from a solution's content.
 *
 * @param solution - The solution, as saved by the editor (`saveWorkspace`).
 * @returns The exercise's content: the starting blocks, the solution's
 * variables, kernelspec and toolbox, and `metadata.ltilab.exercise`.
 */
export function createTurtleExercise(
  solution: IJpblocklyContent,
  options: ICreateExerciseOptions
): IJpblocklyContent {
  const top = solution.blocks?.blocks ?? [];
  let blocks: IJpblocklyContent['blocks'] | undefined;
  if (options.start === 'all' && top.length > 0) {
    blocks = solution.blocks;
  } else if (options.start === 'first' && top.length > 0) {
    // The first block in reading order: top to bottom, left to right.
    const first = [...top].sort(
      (a, b) =>
        ((a.y as number) ?? 0) - ((b.y as number) ?? 0) ||
        ((a.x as number) ?? 0) - ((b.x as number) ?? 0)
    )[0];
    const rest = { ...first };
    delete rest.next;
    blocks = { languageVersion: 0, blocks: [rest] };
  }
  const instructions: { [language: string]: string } = {};
  for (const [language, text] of Object.entries(options.instructions)) {
    if (text.trim()) {
      instructions[language] = text.trim();
    }
  }
  const exercise: IExerciseMetadata = {
    ...(Object.keys(instructions).length ? { instructions } : {}),
    goal: { [TURTLE_MIME_TYPE]: options.goal },
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE
  };
  const previous = solution.metadata?.ltilab;
  const allowed = (options.allowedBlocks ?? []).filter(Boolean);
  const ltilab: ILtilabMetadata = {
    formatVersion: previous?.formatVersion ?? 1,
    toolbox: previous?.toolbox ?? 'default',
    ...(allowed.length ? { allowedBlocks: [...new Set(allowed)] } : {}),
    exercise
  };
  const content: { [key: string]: unknown } = { ...solution };
  delete content.blocks;
  if (blocks) {
    content.blocks = blocks;
  }
  content.variables = solution.variables ?? [];
  content.metadata = { ...(solution.metadata ?? {}), ltilab };
  return content as IJpblocklyContent;
}
