/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 *
 * Turtle graphics for JavaScript kernels: the recorder of
 * python/ltilab/turtle.py, with the same method names, geometry and drawing
 * format (application/vnd.ltilab.turtle.v1+json).
 *
 * The block editor carries this file in the JavaScript it generates
 * (scripts/embed-runtime.mjs turns it into src/runtime.ts), so a program runs
 * in any JavaScript kernel with nothing installed. It is plain ES2015 with no
 * imports and no globals except the one function it defines.
 */

/**
 * Create a turtle on a `xsize` × `ysize` canvas; it displays its drawing
 * once, when the program's synchronous part ends.
 */
function ltilabTurtle(xsize, ysize) {
  var MIME_TYPE = 'application/vnd.ltilab.turtle.v1+json';
  var MAX_OPS = 1000000;
  var BACKGROUND = '#f0f0f0';
  var NAMED = {
    black: '#000000',
    white: '#ffffff',
    red: '#ff0000',
    green: '#008000',
    lime: '#00ff00',
    blue: '#0000ff',
    yellow: '#ffff00',
    cyan: '#00ffff',
    magenta: '#ff00ff',
    orange: '#ffa500',
    purple: '#800080',
    pink: '#ffc0cb',
    brown: '#a52a2a',
    gray: '#808080',
    grey: '#808080',
    navy: '#000080'
  };

  // Coordinates to 2 decimals: compact JSON, as the Python recorder.
  function round(value) {
    var r = Math.round(Number(value) * 100) / 100;
    return r === 0 ? 0 : r;
  }

  function hex(channel) {
    var c = Math.min(Math.max(Math.trunc(Number(channel)), 0), 255);
    return (c < 16 ? '0' : '') + c.toString(16);
  }

  function colour(value) {
    if (Array.isArray(value) && value.length >= 3) {
      return '#' + hex(value[0]) + hex(value[1]) + hex(value[2]);
    }
    if (typeof value === 'string') {
      var text = value.trim().toLowerCase();
      if (Object.prototype.hasOwnProperty.call(NAMED, text)) {
        return NAMED[text];
      }
      if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/.test(text)) {
        var digits = text.slice(1);
        if (digits.length === 3) {
          digits = digits.replace(/./g, function (c) {
            return c + c;
          });
        }
        return '#' + digits;
      }
    }
    throw new Error(
      'not a colour: ' +
        JSON.stringify(value) +
        " (use '#rrggbb', [r, g, b] or a colour name)"
    );
  }

  // Hue in degrees (mod 360), saturation and value clamped to [0, 1];
  // channels are trunc(x * 255), as Python's colorsys and jbturtle.
  function hsvToRgb(h, s, v) {
    s = Math.min(Math.max(Number(s), 0), 1);
    v = Math.min(Math.max(Number(v), 0), 1);
    var hue = (((Number(h) % 360) + 360) % 360) / 360;
    var i = Math.trunc(hue * 6);
    var f = hue * 6 - i;
    var p = v * (1 - s);
    var q = v * (1 - s * f);
    var t = v * (1 - s * (1 - f));
    var rgb = [
      [v, t, p],
      [q, v, p],
      [p, v, t],
      [p, q, v],
      [t, p, v],
      [v, p, q]
    ][i % 6];
    if (s === 0) {
      rgb = [v, v, v];
    }
    return rgb.map(function (x) {
      return Math.trunc(x * 255);
    });
  }

  var turtle = {};
  var shown = false;

  function record(op) {
    if (turtle.ops.length >= MAX_OPS) {
      turtle.capped = true;
      return;
    }
    turtle.ops.push(op);
  }

  function go(x, y) {
    record([turtle.pen_is_down ? 'line' : 'jump', round(x), round(y)]);
    turtle.x = x;
    turtle.y = y;
    if (turtle._fill) {
      turtle._fill.push([x, y]);
    }
  }

  turtle.init = function (width, height) {
    turtle.width = Math.max(
      Math.trunc(Number(width === undefined ? 600 : width)),
      1
    );
    turtle.height = Math.max(
      Math.trunc(Number(height === undefined ? 600 : height)),
      1
    );
    turtle.x = turtle.width / 2;
    turtle.y = turtle.height / 2;
    turtle.heading = 0;
    turtle.pen_is_down = true;
    turtle.colour = '#000000';
    turtle.pen_width = 2;
    turtle.pen_speed = 2;
    turtle.visible = true;
    turtle.background = BACKGROUND;
    turtle.ops = [];
    turtle.capped = false;
    turtle._fill = null;
    turtle._fill_colour = '#000000';
  };
  turtle.forward = function (distance) {
    var rad = (turtle.heading * Math.PI) / 180;
    go(
      turtle.x + Number(distance) * Math.cos(rad),
      turtle.y + Number(distance) * Math.sin(rad)
    );
  };
  turtle.backward = function (distance) {
    turtle.forward(-distance);
  };
  turtle.turn_right = function (angle) {
    turtle.set_heading(turtle.heading + Number(angle));
  };
  turtle.turn_left = function (angle) {
    turtle.set_heading(turtle.heading - Number(angle));
  };
  turtle.move = function (x, y) {
    go(Number(x), Number(y));
  };
  turtle.pen_up = function () {
    turtle.pen_is_down = false;
  };
  turtle.pen_down = function () {
    turtle.pen_is_down = true;
  };
  turtle.speed = function (speed) {
    turtle.pen_speed = Math.max(Number(speed), 1);
    record(['speed', round(turtle.pen_speed)]);
  };
  turtle.line_width = function (width) {
    turtle.pen_width = Math.max(Number(width), 1);
    record(['pen', turtle.colour, round(turtle.pen_width)]);
  };
  turtle.line_color = function (value) {
    turtle.colour = colour(value);
    record(['pen', turtle.colour, round(turtle.pen_width)]);
  };
  turtle.line_rgb = function (r, g, b) {
    turtle.line_color([r, g, b]);
  };
  turtle.line_hsv = function (h, s, v) {
    turtle.line_color(hsvToRgb(h, s, v));
  };
  turtle.set_heading = function (angle) {
    turtle.heading = ((Number(angle) % 360) + 360) % 360;
    record(['turn', round(turtle.heading)]);
  };
  turtle.home = function () {
    go(turtle.width / 2, turtle.height / 2);
    turtle.set_heading(0);
  };
  // An arc of `extent` degrees; a positive radius turns right.
  turtle.circle = function (radius, extent, steps) {
    extent = extent === undefined ? 360 : Number(extent);
    radius = Number(radius);
    if (steps === undefined) {
      steps = Math.max(Math.trunc(Math.abs(extent) / 6), 4);
    }
    var stepAngle = extent / steps;
    var chord =
      2 * Math.abs(radius) * Math.sin((Math.abs(stepAngle) * Math.PI) / 360);
    var turn = radius >= 0 ? stepAngle : -stepAngle;
    // Half a turn before and after each chord keeps the path on the circle.
    turtle.set_heading(turtle.heading + turn / 2);
    for (var i = 0; i < steps; i++) {
      turtle.forward(chord);
      turtle.set_heading(turtle.heading + (i < steps - 1 ? turn : turn / 2));
    }
  };
  turtle.arc = function (radius, extent) {
    turtle.circle(radius, extent);
  };
  turtle.fill_color = function (value) {
    turtle._fill_colour = colour(value);
  };
  turtle.begin_fill = function () {
    turtle._fill = [[turtle.x, turtle.y]];
  };
  turtle.end_fill = function () {
    if (turtle._fill && turtle._fill.length >= 3) {
      record([
        'fill',
        turtle._fill_colour,
        turtle._fill.map(function (p) {
          return [round(p[0]), round(p[1])];
        })
      ]);
    }
    turtle._fill = null;
  };
  turtle.write = function (text, size) {
    record([
      'text',
      round(turtle.x),
      round(turtle.y),
      String(text),
      turtle.colour,
      round(size === undefined ? 16 : size)
    ]);
  };
  turtle.bgcolor = function (value) {
    turtle.background = colour(value);
    record(['bg', turtle.background]);
  };
  turtle.show_turtle = function () {
    turtle.visible = true;
    record(['show', true]);
  };
  turtle.hide_turtle = function () {
    turtle.visible = false;
    record(['show', false]);
  };
  turtle.drawing = function () {
    var result = {
      version: 1,
      width: turtle.width,
      height: turtle.height,
      background: BACKGROUND,
      ops: turtle.ops
    };
    if (turtle.capped) {
      result.capped = MAX_OPS;
    }
    return result;
  };
  turtle.bundle = function () {
    var lines = turtle.ops.filter(function (op) {
      return op[0] === 'line';
    }).length;
    var bundle = {};
    bundle[MIME_TYPE] = turtle.drawing();
    bundle['text/plain'] =
      '<turtle drawing ' +
      turtle.width +
      '×' +
      turtle.height +
      ', ' +
      lines +
      ' lines>';
    return bundle;
  };
  // Display the bundle through the kernel's API: Deno's Jupyter kernel, or
  // IJavascript's `$$`. Elsewhere print the summary.
  turtle.show = function () {
    if (shown) {
      return;
    }
    shown = true;
    var bundle = turtle.bundle();
    var g = typeof globalThis !== 'undefined' ? globalThis : {};
    if (g.Deno && g.Deno.jupyter && g.Deno.jupyter.display) {
      g.Deno.jupyter.display(bundle, { raw: true });
    } else if (g.$$ && typeof g.$$.mime === 'function') {
      g.$$.mime(bundle);
    } else if (g.console) {
      g.console.log(bundle['text/plain']);
    }
  };

  turtle.init(xsize, ysize);
  // One bundle per run, once the program's synchronous part has finished.
  Promise.resolve().then(turtle.show);
  return turtle;
}
