/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { ITurtleDrawing } from './drawing';
import { applyOp, initialState } from './replay';

/**
 * The finished drawing as an SVG document (the export).
 *
 * #### Notes
 * Colours were validated as `#rrggbb` by `parseDrawing`, and text is
 * escaped, so nothing from the kernel can inject markup into the file.
 */
export function drawingToSvg(drawing: ITurtleDrawing): string {
  const state = initialState(drawing);
  const body: string[] = [];
  let background = drawing.background;
  // Consecutive lines of one style become one <path>: a 10,000-line drawing
  // stays a small file.
  let path: string[] = [];
  let pathStyle = '';
  const flush = () => {
    if (path.length) {
      body.push(`<path d="${path.join('')}" ${pathStyle}/>`);
      path = [];
    }
  };
  for (const op of drawing.ops) {
    if (op[0] === 'line') {
      const style = `fill="none" stroke="${state.colour}" stroke-width="${state.width}" stroke-linecap="round" stroke-linejoin="round"`;
      if (style !== pathStyle || path.length === 0) {
        flush();
        pathStyle = style;
        path.push(`M${fmt(state.x)} ${fmt(state.y)}`);
      }
      path.push(`L${fmt(op[1])} ${fmt(op[2])}`);
    } else if (op[0] === 'jump') {
      flush();
    } else if (op[0] === 'fill') {
      flush();
      const points = op[2].map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
      body.push(`<polygon points="${points}" fill="${op[1]}"/>`);
    } else if (op[0] === 'text') {
      flush();
      body.push(
        `<text x="${fmt(op[1])}" y="${fmt(op[2])}" fill="${op[4]}" font-size="${op[5]}" font-family="sans-serif">${escapeXml(op[3])}</text>`
      );
    } else if (op[0] === 'bg') {
      background = op[1];
    }
    applyOp(state, op);
  }
  flush();
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${drawing.width}" height="${drawing.height}" viewBox="0 0 ${drawing.width} ${drawing.height}">` +
    `<rect width="100%" height="100%" fill="${background}"/>` +
    body.join('') +
    '</svg>'
  );
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    c =>
      ({
        '<': '&lt;',
        '>': '&gt;',
        '&': '&amp;',
        '"': '&quot;',
        "'": '&apos;'
      })[c]!
  );
}
