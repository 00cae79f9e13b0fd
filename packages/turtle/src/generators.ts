/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

// Types only: the MIME renderer bundles this module and must not load the
// block editor.
import type {
  BlockGeneratorFunction,
  IBlockGenerator,
  IBlocklyRegistry
} from '@ltilab/broccoli';

import { JAVASCRIPT_TURTLE_SOURCE, PYTHON_TURTLE_SOURCE } from './runtime';

type Block = Parameters<BlockGeneratorFunction>[0];
type Generator = Parameters<BlockGeneratorFunction>[1];

/**
 * The generator functions of the turtle blocks, per language.
 */
export type TurtleGenerators = { [type: string]: BlockGeneratorFunction };

/**
 * The operator precedences used here: Blockly's `Order.ATOMIC` and
 * `Order.NONE`, which are 0 and 99 in both `blockly/python` and
 * `blockly/javascript` (test/blocks.spec.ts checks it). Importing those
 * modules would put a second copy of Blockly's generators into the renderer
 * bundle, which needs none of them.
 */
export const ORDER_NONE = 99;

/**
 * The name of the turtle runtime (`IBlocklyRegistry.IRuntime`) in Python and
 * JavaScript: the recorder, which the generated program creates its turtle
 * from.
 */
export const TURTLE_RUNTIME_NAME = 'turtle';

/**
 * The key of the turtle's creation in the generator's `definitions_`: one
 * turtle per program however many turtle blocks it has.
 */
const DEFINITION_KEY = 'ltilab_turtle';

/**
 * What a turtle generator function needs to know about one language.
 */
interface ILanguage {
  /**
   * The runtime: the recorder, so that the program runs in any kernel.
   */
  runtime: IBlocklyRegistry.IRuntime;
  /**
   * The definition that creates the turtle, from the runtime.
   */
  prelude(name: string): string;
  /**
   * A call statement.
   */
  call(name: string, method: string, args: string[]): string;
  /**
   * The fill block: `body` is already indented.
   */
  fill(name: string, colour: string, body: string): string;
  /**
   * An empty statement body.
   */
  pass: string;
}

const PYTHON: ILanguage = {
  runtime: {
    name: TURTLE_RUNTIME_NAME,
    names: ['_ltilab_turtle_module', 'ltilab_turtle'],
    code: [
      '# Turtle graphics: the recorder of the ltilab.turtle module, carried with',
      '# the program so that it runs in any Python kernel.',
      'def _ltilab_turtle_module(source):',
      '    import types',
      '    module = types.ModuleType("ltilab_turtle")',
      '    exec(compile(source, "ltilab/turtle.py", "exec"), module.__dict__)',
      '    return module',
      '',
      '',
      `ltilab_turtle = _ltilab_turtle_module(${JSON.stringify(PYTHON_TURTLE_SOURCE)})`,
      ''
    ].join('\n')
  },
  // The drawing is shown once, when the program ends (also after an error).
  prelude: name => `${name} = ltilab_turtle.JBTurtle(600, 600, display="end")`,
  call: (name, method, args) => `${name}.${method}(${args.join(', ')})\n`,
  fill: (name, colour, body) => `with ${name}.filling(${colour}):\n${body}`,
  pass: '  pass\n'
};

const JAVASCRIPT: ILanguage = {
  runtime: {
    name: TURTLE_RUNTIME_NAME,
    names: ['ltilabTurtle'],
    // The file's comment says what it is; it defines `ltilabTurtle` only.
    code: JAVASCRIPT_TURTLE_SOURCE
  },
  // The drawing is shown once, when the program ends.
  prelude: name => `var ${name} = ltilabTurtle(600, 600);`,
  call: (name, method, args) => `${name}.${method}(${args.join(', ')});\n`,
  fill: (name, colour, body) =>
    `${name}.fill_color(${colour});\n${name}.begin_fill();\n${body}${name}.end_fill();\n`,
  pass: ''
};

/**
 * The turtle runtime of a language, to register with `registerRuntime`
 * together with the generators.
 *
 * @param language - `python` or `javascript`.
 */
export function createTurtleRuntime(
  language: 'python' | 'javascript'
): IBlocklyRegistry.IRuntime {
  return (language === 'python' ? PYTHON : JAVASCRIPT).runtime;
}

/**
 * The generator functions of the turtle blocks for Python.
 *
 * #### Notes
 * The generated program requires the turtle runtime (the `ltilab.turtle`
 * module's source, see `createTurtleRuntime`), which the editor runs once
 * before it, so it runs in a stock ipykernel; it sends one MIME bundle when
 * it ends. The turtle's variable is named by Blockly's name database,
 * so a user variable called `turtle` gets another name instead of
 * clobbering it (the predecessor's bug).
 */
export function createPythonGenerators(): TurtleGenerators {
  return Private.generators(PYTHON);
}

/**
 * The generator functions of the turtle blocks for JavaScript, with the
 * same API and drawing format as Python.
 */
export function createJavascriptGenerators(): TurtleGenerators {
  return Private.generators(JAVASCRIPT);
}

namespace Private {
  /**
   * What the generators use of Blockly's `CodeGenerator` beyond its typed
   * API: the name database and the definitions, which `init()` resets for
   * each program.
   */
  type GeneratorInternals = Generator &
    Pick<IBlockGenerator, 'requireRuntime'> & {
      nameDB_?: { getName(name: string, type: string): string };
      definitions_: { [key: string]: string };
    };

  /**
   * The turtle's variable name, after asking for the runtime and adding the
   * turtle's creation to the program.
   */
  function turtle(generator: Generator, language: ILanguage): string {
    const g = generator as GeneratorInternals;
    g.requireRuntime(language.runtime.name);
    // A developer variable: distinct from every user variable.
    const name = g.nameDB_
      ? g.nameDB_.getName('turtle', 'DEVELOPER_VARIABLE')
      : 'turtle';
    if (!g.definitions_[DEFINITION_KEY]) {
      g.definitions_[DEFINITION_KEY] = language.prelude(name);
    }
    return name;
  }

  /**
   * An input's code, or the fallback when the input is empty.
   */
  function value(
    block: Block,
    generator: Generator,
    input: string,
    fallback: string
  ): string {
    return generator.valueToCode(block, input, ORDER_NONE) || fallback;
  }

  /**
   * A block that calls one method with its inputs, in order.
   */
  function call(
    language: ILanguage,
    method: string,
    inputs: ReadonlyArray<[string, string]> = []
  ): BlockGeneratorFunction {
    return (block, generator) =>
      language.call(
        turtle(generator, language),
        method,
        inputs.map(([input, fallback]) =>
          value(block, generator, input, fallback)
        )
      );
  }

  export function generators(language: ILanguage): TurtleGenerators {
    const black = "'#000000'";
    return {
      turtle_init: call(language, 'init', [
        ['XSIZE', '600'],
        ['YSIZE', '600']
      ]),
      turtle_speed: call(language, 'speed', [['VAL', '2']]),
      turtle_line_width: call(language, 'line_width', [['VAL', '2']]),
      turtle_line_color: call(language, 'line_color', [['VAL', black]]),
      turtle_line_hsv: call(language, 'line_hsv', [
        ['H', '0'],
        ['S', '0.45'],
        ['V', '0.65']
      ]),
      turtle_pen_down: call(language, 'pen_down'),
      turtle_pen_up: call(language, 'pen_up'),
      turtle_forward: call(language, 'forward', [['VAL', '100']]),
      turtle_backward: call(language, 'backward', [['VAL', '100']]),
      turtle_turn_right: call(language, 'turn_right', [['VAL', '90']]),
      turtle_turn_left: call(language, 'turn_left', [['VAL', '90']]),
      turtle_move: call(language, 'move', [
        ['XPOS', '300'],
        ['YPOS', '300']
      ]),
      turtle_set_heading: call(language, 'set_heading', [['VAL', '0']]),
      turtle_home: call(language, 'home'),
      turtle_circle: call(language, 'circle', [['RADIUS', '50']]),
      turtle_arc: call(language, 'arc', [
        ['RADIUS', '50'],
        ['EXTENT', '90']
      ]),
      turtle_fill: (block, generator) => {
        const name = turtle(generator, language);
        const colour = value(block, generator, 'COLOUR', black);
        const body = generator.statementToCode(block, 'DO') || language.pass;
        return language.fill(name, colour, body);
      },
      turtle_write: call(language, 'write', [
        ['TEXT', "''"],
        ['SIZE', '16']
      ]),
      turtle_background: call(language, 'bgcolor', [['VAL', "'#ffffff'"]]),
      turtle_show: call(language, 'show_turtle'),
      turtle_hide: call(language, 'hide_turtle')
    };
  }
}
