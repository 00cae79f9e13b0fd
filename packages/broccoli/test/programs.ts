/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * One small program per default-toolbox block, with the code each language
 * must contain and, for Python, what running it prints.
 */

type State = { type: string; [key: string]: unknown };
type Connection = { shadow?: State; block?: State };

export const num = (value: number): Connection => ({
  shadow: { type: 'math_number', fields: { NUM: value } }
});
export const txt = (value: string): Connection => ({
  shadow: { type: 'text', fields: { TEXT: value } }
});
export const val = (block: State): Connection => ({ block });
export const bool = (value: boolean): Connection =>
  val({ type: 'logic_boolean', fields: { BOOL: value ? 'TRUE' : 'FALSE' } });
export const b = (type: string, rest: Record<string, unknown> = {}): State => ({
  type,
  ...rest
});
export const then = (block: State): { block: State } => ({ block });

/** `print(value)`, optionally followed by another statement. */
export const print = (value: Connection, next?: State): State =>
  b('text_print', {
    inputs: { TEXT: value },
    ...(next ? { next: then(next) } : {})
  });

/** A list literal. */
export const list = (...items: Connection[]): Connection => {
  const inputs: Record<string, Connection> = {};
  items.forEach((item, i) => (inputs[`ADD${i}`] = item));
  return val(
    b('lists_create_with', { extraState: { itemCount: items.length }, inputs })
  );
};

/** The variables every program may use. */
export const VARIABLES = [
  { name: 'x', id: 'var-x' },
  { name: 'item', id: 'var-item' },
  { name: 'i', id: 'var-i' },
  { name: 'n', id: 'var-n' }
];

export const getVar = (id: string): Connection =>
  val(b('variables_get', { fields: { VAR: { id } } }));
export const setVar = (id: string, value: Connection, next?: State): State =>
  b('variables_set', {
    fields: { VAR: { id } },
    inputs: { VALUE: value },
    ...(next ? { next: then(next) } : {})
  });

/**
 * A generator test case.
 */
export interface ICase {
  /** The block type the case is about. */
  type: string;
  /** A name for the test title. */
  name: string;
  /** The top-level blocks. */
  blocks: State[];
  /** Fragments the generated code must contain, per language. */
  python: string[];
  javascript: string[];
  lua: string[];
  /** What running the Python program prints, or a pattern of it. */
  pyOut?: string | RegExp;
  /** Text fed to the Python program's standard input. */
  stdin?: string;
}

const compare = (op: string, a: Connection, b2: Connection): Connection =>
  val(b('logic_compare', { fields: { OP: op }, inputs: { A: a, B: b2 } }));

export const CASES: ICase[] = [
  // Logic
  {
    type: 'controls_if',
    name: 'if / else if / else',
    blocks: [
      b('controls_if', {
        extraState: { elseIfCount: 1, hasElse: true },
        inputs: {
          IF0: compare('EQ', num(1), num(2)),
          DO0: then(print(txt('a'))),
          IF1: bool(true),
          DO1: then(print(txt('b'))),
          ELSE: then(print(txt('c')))
        }
      })
    ],
    python: ['if 1 == 2:', 'elif True:', 'else:', "print('b')"],
    javascript: ['if (1 == 2) {', '} else if (true) {', '} else {'],
    lua: ['if 1 == 2 then', 'elseif true then', 'else', 'end'],
    pyOut: 'b'
  },
  {
    type: 'logic_compare',
    name: 'less than',
    blocks: [print(compare('LT', num(3), num(5)))],
    python: ['print(3 < 5)'],
    javascript: ['window.alert(3 < 5);'],
    lua: ['print(3 < 5)'],
    pyOut: 'True'
  },
  {
    type: 'logic_operation',
    name: 'or',
    blocks: [
      print(
        val(
          b('logic_operation', {
            fields: { OP: 'OR' },
            inputs: { A: bool(false), B: bool(true) }
          })
        )
      )
    ],
    python: ['print(False or True)'],
    javascript: ['window.alert(false || true);'],
    lua: ['print(false or true)'],
    pyOut: 'True'
  },
  {
    type: 'logic_negate',
    name: 'not',
    blocks: [print(val(b('logic_negate', { inputs: { BOOL: bool(false) } })))],
    python: ['print(not False)'],
    javascript: ['window.alert(!false);'],
    lua: ['print(not false)'],
    pyOut: 'True'
  },
  {
    type: 'logic_boolean',
    name: 'false',
    blocks: [print(bool(false))],
    python: ['print(False)'],
    javascript: ['window.alert(false);'],
    lua: ['print(false)'],
    pyOut: 'False'
  },
  {
    type: 'logic_null',
    name: 'null',
    blocks: [print(val(b('logic_null')))],
    python: ['print(None)'],
    javascript: ['window.alert(null);'],
    lua: ['print(nil)'],
    pyOut: 'None'
  },
  {
    type: 'logic_ternary',
    name: 'ternary',
    blocks: [
      print(
        val(
          b('logic_ternary', {
            inputs: { IF: bool(true), THEN: txt('yes'), ELSE: txt('no') }
          })
        )
      )
    ],
    python: ["print('yes' if True else 'no')"],
    javascript: ["window.alert(true ? 'yes' : 'no');"],
    lua: ["print(true and 'yes' or 'no')"],
    pyOut: 'yes'
  },
  // Loops
  {
    type: 'controls_repeat_ext',
    name: 'repeat 3 times',
    blocks: [
      b('controls_repeat_ext', {
        inputs: { TIMES: num(3), DO: then(print(txt('x'))) }
      })
    ],
    python: ['for count in range(3):', "  print('x')"],
    javascript: ['for (var count = 0; count < 3; count++) {'],
    lua: ['for count = 1, 3 do'],
    pyOut: 'x\nx\nx'
  },
  {
    type: 'controls_whileUntil',
    name: 'repeat until',
    blocks: [
      setVar(
        'var-x',
        num(0),
        b('controls_whileUntil', {
          fields: { MODE: 'UNTIL' },
          inputs: {
            BOOL: compare('GTE', getVar('var-x'), num(3)),
            DO: then(
              b('math_change', {
                fields: { VAR: { id: 'var-x' } },
                inputs: { DELTA: num(1) },
                next: then(print(getVar('var-x')))
              })
            )
          }
        })
      )
    ],
    python: ['while not x >= 3:'],
    javascript: ['while (!(x >= 3)) {'],
    lua: ['while not (x >= 3) do'],
    pyOut: '1\n2\n3'
  },
  {
    type: 'controls_for',
    name: 'count with a step',
    blocks: [
      b('controls_for', {
        fields: { VAR: { id: 'var-i' } },
        inputs: {
          FROM: num(1),
          TO: num(5),
          BY: num(2),
          DO: then(print(getVar('var-i')))
        }
      })
    ],
    python: ['for i in range(1, 6, 2):'],
    javascript: ['for (i = 1; i <= 5; i += 2) {'],
    lua: ['for i = 1, 5, 2 do'],
    pyOut: '1\n3\n5'
  },
  {
    type: 'controls_forEach',
    name: 'for each item',
    blocks: [
      b('controls_forEach', {
        fields: { VAR: { id: 'var-item' } },
        inputs: {
          LIST: list(txt('a'), txt('b')),
          DO: then(print(getVar('var-item')))
        }
      })
    ],
    python: ["for item in ['a', 'b']:"],
    javascript: [
      "var item_list = ['a', 'b'];",
      'for (var item_index in item_list) {'
    ],
    lua: ["for _, item in ipairs({'a', 'b'}) do"],
    pyOut: 'a\nb'
  },
  {
    type: 'controls_flow_statements',
    name: 'break out of a loop',
    blocks: [
      b('controls_for', {
        fields: { VAR: { id: 'var-i' } },
        inputs: {
          FROM: num(1),
          TO: num(5),
          BY: num(1),
          DO: then(
            b('controls_if', {
              inputs: {
                IF0: compare('EQ', getVar('var-i'), num(3)),
                DO0: then(
                  b('controls_flow_statements', { fields: { FLOW: 'BREAK' } })
                )
              },
              next: then(print(getVar('var-i')))
            })
          )
        }
      })
    ],
    python: ['    break'],
    javascript: ['    break;'],
    lua: ['    break'],
    pyOut: '1\n2'
  },
  // Math
  {
    type: 'math_number',
    name: 'number',
    blocks: [print(num(42))],
    python: ['print(42)'],
    javascript: ['window.alert(42);'],
    lua: ['print(42)'],
    pyOut: '42'
  },
  {
    type: 'math_arithmetic',
    name: 'power',
    blocks: [
      print(
        val(
          b('math_arithmetic', {
            fields: { OP: 'POWER' },
            inputs: { A: num(2), B: num(10) }
          })
        )
      )
    ],
    python: ['print(2 ** 10)'],
    javascript: ['window.alert(Math.pow(2, 10));'],
    lua: ['print(2 ^ 10)'],
    pyOut: '1024'
  },
  {
    type: 'math_single',
    name: 'square root',
    blocks: [
      print(
        val(
          b('math_single', { fields: { OP: 'ROOT' }, inputs: { NUM: num(9) } })
        )
      )
    ],
    python: ['import math', 'print(math.sqrt(9))'],
    javascript: ['window.alert(Math.sqrt(9));'],
    lua: ['print(math.sqrt(9))'],
    pyOut: '3.0'
  },
  {
    type: 'math_trig',
    name: 'cosine in degrees',
    blocks: [
      print(
        val(b('math_trig', { fields: { OP: 'COS' }, inputs: { NUM: num(0) } }))
      )
    ],
    python: ['print(math.cos(0 / 180.0 * math.pi))'],
    javascript: ['window.alert(Math.cos(0 / 180 * Math.PI));'],
    lua: ['print(math.cos(math.rad(0)))'],
    pyOut: '1.0'
  },
  {
    type: 'math_constant',
    name: 'pi',
    blocks: [print(val(b('math_constant', { fields: { CONSTANT: 'PI' } })))],
    python: ['print(math.pi)'],
    javascript: ['window.alert(Math.PI);'],
    lua: ['print(math.pi)'],
    pyOut: /^3\.14159/
  },
  {
    type: 'math_number_property',
    name: 'is prime',
    blocks: [
      print(
        val(
          b('math_number_property', {
            fields: { PROPERTY: 'PRIME' },
            inputs: { NUMBER_TO_CHECK: num(7) }
          })
        )
      )
    ],
    python: ['def math_isPrime(n):', 'print(math_isPrime(7))'],
    javascript: ['function mathIsPrime(n) {', 'window.alert(mathIsPrime(7));'],
    lua: ['function math_isPrime(n)', 'print(math_isPrime(7))'],
    pyOut: 'True'
  },
  {
    type: 'math_change',
    name: 'change by',
    blocks: [
      setVar(
        'var-x',
        num(5),
        b('math_change', {
          fields: { VAR: { id: 'var-x' } },
          inputs: { DELTA: num(2) },
          next: then(print(getVar('var-x')))
        })
      )
    ],
    python: ['x = (x if isinstance(x, Number) else 0) + 2'],
    javascript: ["x = (typeof x === 'number' ? x : 0) + 2;"],
    lua: ['x = x + 2'],
    pyOut: '7'
  },
  {
    type: 'math_round',
    name: 'round up',
    blocks: [
      print(
        val(
          b('math_round', {
            fields: { OP: 'ROUNDUP' },
            inputs: { NUM: num(3.1) }
          })
        )
      )
    ],
    python: ['print(math.ceil(3.1))'],
    javascript: ['window.alert(Math.ceil(3.1));'],
    lua: ['print(math.ceil(3.1))'],
    pyOut: '4'
  },
  {
    type: 'math_on_list',
    name: 'sum of a list',
    blocks: [
      print(
        val(
          b('math_on_list', {
            fields: { OP: 'SUM' },
            inputs: { LIST: list(num(1), num(2), num(3)) }
          })
        )
      )
    ],
    python: ['print(sum([1, 2, 3]))'],
    javascript: ['[1, 2, 3].reduce(function(x, y) {return x + y;}, 0)'],
    lua: ['print(math_sum({1, 2, 3}))'],
    pyOut: '6'
  },
  {
    type: 'math_modulo',
    name: 'remainder',
    blocks: [
      print(
        val(
          b('math_modulo', { inputs: { DIVIDEND: num(17), DIVISOR: num(5) } })
        )
      )
    ],
    python: ['print(17 % 5)'],
    javascript: ['window.alert(17 % 5);'],
    lua: ['print(17 % 5)'],
    pyOut: '2'
  },
  {
    type: 'math_constrain',
    name: 'constrain',
    blocks: [
      print(
        val(
          b('math_constrain', {
            inputs: { VALUE: num(150), LOW: num(1), HIGH: num(100) }
          })
        )
      )
    ],
    python: ['print(min(max(150, 1), 100))'],
    javascript: ['window.alert(Math.min(Math.max(150, 1), 100));'],
    lua: ['print(math.min(math.max(150, 1), 100))'],
    pyOut: '100'
  },
  {
    type: 'math_random_int',
    name: 'random integer in a one-value range',
    blocks: [
      print(val(b('math_random_int', { inputs: { FROM: num(4), TO: num(4) } })))
    ],
    python: ['import random', 'print(random.randint(4, 4))'],
    javascript: ['window.alert(mathRandomInt(4, 4));'],
    lua: ['print(math.random(4, 4))'],
    pyOut: '4'
  },
  {
    type: 'math_random_float',
    name: 'random fraction',
    blocks: [print(val(b('math_random_float')))],
    python: ['print(random.random())'],
    javascript: ['window.alert(Math.random());'],
    lua: ['print(math.random())'],
    pyOut: /^0\.\d+$/
  },
  // Text
  {
    type: 'text',
    name: 'text',
    blocks: [print(txt('hello'))],
    python: ["print('hello')"],
    javascript: ["window.alert('hello');"],
    lua: ["print('hello')"],
    pyOut: 'hello'
  },
  {
    type: 'text_join',
    name: 'join text and a number',
    blocks: [
      print(
        val(
          b('text_join', {
            extraState: { itemCount: 2 },
            inputs: { ADD0: txt('ab'), ADD1: num(12) }
          })
        )
      )
    ],
    python: ["print('ab' + str(12))"],
    javascript: ["window.alert('ab' + String(12));"],
    lua: ["print('ab' .. 12)"],
    pyOut: 'ab12'
  },
  {
    type: 'text_append',
    name: 'append text',
    blocks: [
      setVar(
        'var-x',
        txt('a'),
        b('text_append', {
          fields: { VAR: { id: 'var-x' } },
          inputs: { TEXT: txt('bc') },
          next: then(print(getVar('var-x')))
        })
      )
    ],
    python: ["x = str(x) + 'bc'"],
    javascript: ["x += 'bc';"],
    lua: ["x = x .. 'bc'"],
    pyOut: 'abc'
  },
  {
    type: 'text_length',
    name: 'length of text',
    blocks: [print(val(b('text_length', { inputs: { VALUE: txt('hello') } })))],
    python: ["print(len('hello'))"],
    javascript: ["window.alert('hello'.length);"],
    lua: ["print(#'hello')"],
    pyOut: '5'
  },
  {
    type: 'text_isEmpty',
    name: 'is empty',
    blocks: [print(val(b('text_isEmpty', { inputs: { VALUE: txt('') } })))],
    python: ["print(not len(''))"],
    javascript: ["window.alert(!''.length);"],
    lua: ["print(#'' == 0)"],
    pyOut: 'True'
  },
  {
    type: 'text_indexOf',
    name: 'last occurrence',
    blocks: [
      print(
        val(
          b('text_indexOf', {
            fields: { END: 'LAST' },
            inputs: { VALUE: txt('banana'), FIND: txt('a') }
          })
        )
      )
    ],
    python: ["print('banana'.rfind('a') + 1)"],
    javascript: ["window.alert('banana'.lastIndexOf('a') + 1);"],
    lua: ["print(lastIndexOf('banana', 'a'))"],
    pyOut: '6'
  },
  {
    type: 'text_charAt',
    name: 'letter #2',
    blocks: [
      print(
        val(
          b('text_charAt', {
            extraState: '<mutation at="true"></mutation>',
            fields: { WHERE: 'FROM_START' },
            inputs: { VALUE: txt('hello'), AT: num(2) }
          })
        )
      )
    ],
    python: ["print('hello'[1])"],
    javascript: ["window.alert('hello'.charAt(1));"],
    lua: ["print(string.sub('hello', 2, 2))"],
    pyOut: 'e'
  },
  {
    type: 'text_getSubstring',
    name: 'substring',
    blocks: [
      print(
        val(
          b('text_getSubstring', {
            fields: { WHERE1: 'FROM_START', WHERE2: 'FROM_START' },
            inputs: { STRING: txt('hello'), AT1: num(2), AT2: num(4) }
          })
        )
      )
    ],
    python: ["print('hello'[1 : 4])"],
    javascript: ["window.alert('hello'.slice(1, 4));"],
    lua: ["print(string.sub('hello', 2, 4))"],
    pyOut: 'ell'
  },
  {
    type: 'text_changeCase',
    name: 'title case',
    blocks: [
      print(
        val(
          b('text_changeCase', {
            fields: { CASE: 'TITLECASE' },
            inputs: { TEXT: txt('hello world') }
          })
        )
      )
    ],
    python: ["print('hello world'.title())"],
    javascript: ["window.alert(textToTitleCase('hello world'));"],
    lua: ["print(text_titlecase('hello world'))"],
    pyOut: 'Hello World'
  },
  {
    type: 'text_trim',
    name: 'trim both sides',
    blocks: [
      print(
        val(
          b('text_join', {
            extraState: { itemCount: 3 },
            inputs: {
              ADD0: txt('['),
              ADD1: val(
                b('text_trim', {
                  fields: { MODE: 'BOTH' },
                  inputs: { TEXT: txt('  hi  ') }
                })
              ),
              ADD2: txt(']')
            }
          })
        )
      )
    ],
    python: ["'  hi  '.strip()"],
    javascript: ["'  hi  '.trim()"],
    lua: ['string.gsub(\'  hi  \', "^%s*(.-)%s*$", "%1")'],
    pyOut: '[hi]'
  },
  {
    type: 'text_print',
    name: 'print',
    blocks: [print(txt('hello'), print(num(2)))],
    python: ["print('hello')\nprint(2)"],
    javascript: ["window.alert('hello');\nwindow.alert(2);"],
    lua: ["print('hello')\nprint(2)"],
    pyOut: 'hello\n2'
  },
  {
    type: 'text_prompt_ext',
    name: 'prompt for a number',
    blocks: [
      print(
        val(
          b('text_prompt_ext', {
            extraState: '<mutation type="NUMBER"></mutation>',
            fields: { TYPE: 'NUMBER' },
            inputs: { TEXT: txt('n? ') }
          })
        )
      )
    ],
    python: ["print(float(text_prompt('n? ')))"],
    javascript: ["window.alert(Number(window.prompt('n? ')));"],
    lua: ["print(tonumber(text_prompt('n? '), 10))"],
    stdin: '41\n',
    pyOut: 'n? 41.0'
  },
  // Lists
  {
    type: 'lists_create_with',
    name: 'a list of three items',
    blocks: [print(list(num(1), txt('a'), bool(true)))],
    python: ["print([1, 'a', True])"],
    javascript: ["window.alert([1, 'a', true]);"],
    lua: ["print({1, 'a', true})"],
    pyOut: "[1, 'a', True]"
  },
  {
    type: 'lists_create_with',
    name: 'an empty list',
    blocks: [print(list())],
    python: ['print([])'],
    javascript: ['window.alert([]);'],
    lua: ['print({})'],
    pyOut: '[]'
  },
  {
    type: 'lists_repeat',
    name: 'repeat an item',
    blocks: [
      print(val(b('lists_repeat', { inputs: { ITEM: txt('x'), NUM: num(3) } })))
    ],
    python: ["print(['x'] * 3)"],
    javascript: ["window.alert(listsRepeat('x', 3));"],
    lua: ["print(create_list_repeated('x', 3))"],
    pyOut: "['x', 'x', 'x']"
  },
  {
    type: 'lists_length',
    name: 'length of a list',
    blocks: [
      print(
        val(
          b('lists_length', { inputs: { VALUE: list(num(1), num(2), num(3)) } })
        )
      )
    ],
    python: ['print(len([1, 2, 3]))'],
    javascript: ['window.alert([1, 2, 3].length);'],
    lua: ['print(#{1, 2, 3})'],
    pyOut: '3'
  },
  {
    type: 'lists_isEmpty',
    name: 'is the list empty',
    blocks: [print(val(b('lists_isEmpty', { inputs: { VALUE: list() } })))],
    python: ['print(not len([]))'],
    javascript: ['window.alert(![].length);'],
    lua: ['print(#{} == 0)'],
    pyOut: 'True'
  },
  {
    type: 'lists_indexOf',
    name: 'first index of an item',
    blocks: [
      print(
        val(
          b('lists_indexOf', {
            fields: { END: 'FIRST' },
            inputs: {
              VALUE: list(txt('a'), txt('b'), txt('c')),
              FIND: txt('b')
            }
          })
        )
      )
    ],
    python: ["print(first_index(['a', 'b', 'c'], 'b'))"],
    javascript: ["window.alert(['a', 'b', 'c'].indexOf('b') + 1);"],
    lua: ["print(first_index({'a', 'b', 'c'}, 'b'))"],
    pyOut: '2'
  },
  {
    type: 'lists_getIndex',
    name: 'get the last item',
    blocks: [
      print(
        val(
          b('lists_getIndex', {
            fields: { MODE: 'GET', WHERE: 'LAST' },
            extraState: '<mutation statement="false" at="false"></mutation>',
            inputs: { VALUE: list(txt('a'), txt('b'), txt('c')) }
          })
        )
      )
    ],
    python: ["print(['a', 'b', 'c'][-1])"],
    javascript: ["window.alert(['a', 'b', 'c'].slice(-1)[0]);"],
    lua: ['return t[#t]', "print(list_get_last(({'a', 'b', 'c'})))"],
    pyOut: 'c'
  },
  {
    type: 'lists_setIndex',
    name: 'set the first item',
    blocks: [
      setVar(
        'var-x',
        list(num(1), num(2), num(3)),
        b('lists_setIndex', {
          fields: { MODE: 'SET', WHERE: 'FROM_START' },
          inputs: { LIST: getVar('var-x'), AT: num(1), TO: num(9) },
          next: then(print(getVar('var-x')))
        })
      )
    ],
    python: ['x[0] = 9'],
    javascript: ['x[0] = 9;'],
    lua: ['x[1] = 9'],
    pyOut: '[9, 2, 3]'
  },
  {
    type: 'lists_getSublist',
    name: 'sublist',
    blocks: [
      print(
        val(
          b('lists_getSublist', {
            fields: { WHERE1: 'FROM_START', WHERE2: 'FROM_START' },
            inputs: {
              LIST: list(txt('a'), txt('b'), txt('c'), txt('d')),
              AT1: num(2),
              AT2: num(3)
            }
          })
        )
      )
    ],
    python: ["print(['a', 'b', 'c', 'd'][1 : 3])"],
    javascript: ["window.alert(['a', 'b', 'c', 'd'].slice(1, 3));"],
    lua: ["list_sublist_from_start_from_start({'a', 'b', 'c', 'd'}, 2, 3)"],
    pyOut: "['b', 'c']"
  },
  {
    type: 'lists_split',
    name: 'split text',
    blocks: [
      print(
        val(
          b('lists_split', {
            fields: { MODE: 'SPLIT' },
            inputs: { INPUT: txt('a,b,c'), DELIM: txt(',') }
          })
        )
      )
    ],
    python: ["print('a,b,c'.split(','))"],
    javascript: ["window.alert('a,b,c'.split(','));"],
    lua: ["print(list_string_split('a,b,c', ','))"],
    pyOut: "['a', 'b', 'c']"
  },
  {
    type: 'lists_sort',
    name: 'sort numbers descending',
    blocks: [
      print(
        val(
          b('lists_sort', {
            fields: { TYPE: 'NUMERIC', DIRECTION: '-1' },
            inputs: { LIST: list(num(3), num(1), num(2)) }
          })
        )
      )
    ],
    python: ['print(lists_sort([3, 1, 2], "NUMERIC", True))'],
    javascript: ['[3, 1, 2].slice().sort(listsGetSortCompare("NUMERIC", -1))'],
    lua: ['print(list_sort({3, 1, 2},"NUMERIC", -1))'],
    pyOut: '[3, 2, 1]'
  },
  // Colour
  {
    type: 'colour_picker',
    name: 'colour',
    blocks: [print(val(b('colour_picker', { fields: { COLOUR: '#00ff00' } })))],
    python: ["print('#00ff00')"],
    javascript: ["window.alert('#00ff00');"],
    lua: ["print('#00ff00')"],
    pyOut: '#00ff00'
  },
  {
    type: 'colour_random',
    name: 'random colour',
    blocks: [print(val(b('colour_random')))],
    python: ["print('#%06x' % random.randint(0, 2**24 - 1))"],
    javascript: ['window.alert(colourRandom());'],
    lua: ['print(string.format("#%06x", math.random(0, 2^24 - 1)))'],
    pyOut: /^#[0-9a-f]{6}$/
  },
  {
    type: 'colour_rgb',
    name: 'colour from RGB',
    blocks: [
      print(
        val(
          b('colour_rgb', {
            inputs: { RED: num(100), GREEN: num(50), BLUE: num(0) }
          })
        )
      )
    ],
    python: ['def colour_rgb(r, g, b):', 'print(colour_rgb(100, 50, 0))'],
    javascript: [
      'function colourRgb(r, g, b) {',
      'window.alert(colourRgb(100, 50, 0));'
    ],
    lua: ['function colour_rgb(r, g, b)', 'print(colour_rgb(100, 50, 0))'],
    // 50 * 2.55 is 127.49999999999999 in floating point.
    pyOut: '#ff7f00'
  },
  {
    type: 'colour_blend',
    name: 'blend two colours',
    blocks: [
      print(
        val(
          b('colour_blend', {
            inputs: {
              COLOUR1: val(
                b('colour_picker', { fields: { COLOUR: '#ff0000' } })
              ),
              COLOUR2: val(
                b('colour_picker', { fields: { COLOUR: '#0000ff' } })
              ),
              RATIO: num(0.5)
            }
          })
        )
      )
    ],
    python: ["print(colour_blend('#ff0000', '#0000ff', 0.5))"],
    javascript: ["window.alert(colourBlend('#ff0000', '#0000ff', 0.5));"],
    lua: ["print(colour_blend('#ff0000', '#0000ff', 0.5))"],
    pyOut: '#800080'
  },
  // Variables
  {
    type: 'variables_set',
    name: 'set a variable',
    blocks: [setVar('var-x', num(5), print(getVar('var-x')))],
    python: ['x = 5'],
    javascript: ['var x;', 'x = 5;'],
    lua: ['x = 5'],
    pyOut: '5'
  },
  {
    type: 'variables_get',
    name: 'get a variable',
    blocks: [setVar('var-x', txt('v'), print(getVar('var-x')))],
    python: ['print(x)'],
    javascript: ['window.alert(x);'],
    lua: ['print(x)'],
    pyOut: 'v'
  },
  // Functions
  {
    type: 'procedures_defreturn',
    name: 'a function with a result',
    blocks: [
      b('procedures_defreturn', {
        extraState: { params: [{ name: 'n', id: 'var-n' }] },
        fields: { NAME: 'double' },
        inputs: {
          RETURN: val(
            b('math_arithmetic', {
              fields: { OP: 'MULTIPLY' },
              inputs: { A: getVar('var-n'), B: num(2) }
            })
          )
        }
      }),
      print(
        val(
          b('procedures_callreturn', {
            extraState: { name: 'double', params: ['n'] },
            inputs: { ARG0: num(21) }
          })
        )
      )
    ],
    python: ['def double(n):', '  return n * 2', 'print(double(21))'],
    javascript: [
      'function double(n) {',
      '  return n * 2;',
      'window.alert(double(21));'
    ],
    lua: ['function double(n)', '  return n * 2', 'print(double(21))'],
    pyOut: '42'
  },
  {
    type: 'procedures_callreturn',
    name: 'call a function with a result',
    blocks: [
      b('procedures_defreturn', {
        fields: { NAME: 'answer' },
        inputs: { RETURN: num(42) }
      }),
      print(val(b('procedures_callreturn', { extraState: { name: 'answer' } })))
    ],
    python: ['print(answer())'],
    javascript: ['window.alert(answer());'],
    lua: ['print(answer())'],
    pyOut: '42'
  },
  {
    type: 'procedures_defnoreturn',
    name: 'a function without a result',
    blocks: [
      b('procedures_defnoreturn', {
        fields: { NAME: 'greet' },
        inputs: { STACK: then(print(txt('hi'))) }
      }),
      b('procedures_callnoreturn', { extraState: { name: 'greet' } })
    ],
    python: ['def greet():', "  print('hi')", 'greet()'],
    javascript: ['function greet() {', "  window.alert('hi');", 'greet();'],
    lua: ['function greet()', "  print('hi')", 'greet()'],
    pyOut: 'hi'
  },
  {
    type: 'procedures_callnoreturn',
    name: 'call a function twice',
    blocks: [
      b('procedures_defnoreturn', {
        fields: { NAME: 'greet' },
        inputs: { STACK: then(print(txt('hi'))) }
      }),
      b('procedures_callnoreturn', {
        extraState: { name: 'greet' },
        next: then(
          b('procedures_callnoreturn', { extraState: { name: 'greet' } })
        )
      })
    ],
    python: ['greet()\ngreet()'],
    javascript: ['greet();\ngreet();'],
    lua: ['greet()\ngreet()'],
    pyOut: 'hi\nhi'
  },
  {
    type: 'procedures_ifreturn',
    name: 'return early',
    blocks: [
      b('procedures_defreturn', {
        extraState: { params: [{ name: 'n', id: 'var-n' }] },
        fields: { NAME: 'sign' },
        inputs: {
          STACK: then(
            b('procedures_ifreturn', {
              extraState: '<mutation value="1"></mutation>',
              inputs: {
                CONDITION: compare('LT', getVar('var-n'), num(0)),
                VALUE: num(-1)
              }
            })
          ),
          RETURN: num(1)
        }
      }),
      print(
        val(
          b('procedures_callreturn', {
            extraState: { name: 'sign', params: ['n'] },
            inputs: { ARG0: num(-5) }
          })
        )
      )
    ],
    python: ['  if n < 0:\n    return -1'],
    javascript: ['  if (n < 0) {\n    return -1;\n  }'],
    lua: ['  if n < 0 then\n    return -1\n  end'],
    pyOut: '-1'
  }
];
