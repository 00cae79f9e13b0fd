/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { compareSegments, type IComparison, type IRegion } from './compare';
import {
  ITurtleDrawing,
  parseDrawing,
  TURTLE_MIME_TYPE,
  TurtleOp
} from './drawing';
import { DEFAULT_TOLERANCE } from './exercise';
import { applyOp, drawingSegments, initialState, ITurtleState } from './replay';
import { drawingToSvg } from './svg';

const CLASS = 'jp-LtilabTurtle';

/**
 * Speeds offered in the speed control, as multiples of the program's own;
 * 0 draws at once (the animation off).
 */
const SPEEDS = [0.5, 1, 2, 4, 0];

/**
 * The pace at speed 1 and 1×: jbturtle's nominal 5 pixels per 10 ms frame
 * (its real pace was lower, as each frame was a PNG through the kernel).
 */
const PIXELS_PER_SECOND = 500;

/**
 * The turtle-drawing renderer: animates a recorded drawing on a canvas at
 * the program's speed, with a turtle sprite, replay, pause, a speed control
 * and PNG or SVG export.
 */
export class TurtleView extends Widget implements IRenderMime.IRenderer {
  constructor(options: TurtleView.IOptions = {}) {
    super();
    this._trans = (options.translator ?? nullTranslator).load('ltilab');
    this._speedFactor = options.speedFactor ?? 1;
    this.addClass(CLASS);
    this._build();
  }

  /**
   * The drawing shown, if any.
   */
  get drawing(): ITurtleDrawing | null {
    return this._drawing;
  }

  /**
   * Whether the animation has drawn everything.
   */
  get finished(): boolean {
    return !!this._drawing && this._index >= this._drawing.ops.length;
  }

  /**
   * The goal shown under the drawing, if any.
   */
  get goal(): ITurtleDrawing | null {
    return this._goal;
  }

  /**
   * The check of the finished drawing against the goal; `null` while there
   * is no goal or the drawing is not finished.
   */
  get comparison(): IComparison | null {
    return this._comparison;
  }

  /**
   * Show a goal faintly under the drawing, and check the drawing against it
   * each time it is finished: "matches", or "differs" with boxes where.
   *
   * @param goal - The goal drawing; `null` removes it.
   * @param tolerance - How far (pixels) lines may be off and still match.
   */
  setGoal(goal: ITurtleDrawing | null, tolerance = DEFAULT_TOLERANCE): void {
    this._goal = goal;
    this._tolerance = tolerance;
    this._goalImage.hidden = !goal;
    this._goalImage.src = goal
      ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(drawingToSvg(goal))}`
      : '';
    this._comparison = null;
    this._check();
  }

  /**
   * Render a MIME model (the renderer interface).
   */
  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.setDrawing(model.data[TURTLE_MIME_TYPE]);
    return Promise.resolve();
  }

  /**
   * Show drawing data; an invalid drawing shows an error, never a blank.
   */
  setDrawing(data: unknown): void {
    let drawing: ITurtleDrawing;
    try {
      drawing = parseDrawing(data);
    } catch (reason) {
      this._showError(reason as Error);
      return;
    }
    this._error.hidden = true;
    this._stage.hidden = false;
    this._toolbar.hidden = false;
    const previous = this._drawing;
    this._drawing = drawing;
    this._message.textContent = drawing.capped
      ? this._trans.__(
          'This drawing has more than %1 operations; only the first %1 are shown.',
          drawing.capped.toLocaleString()
        )
      : '';
    this._message.hidden = !drawing.capped;
    // A cell that drew more on the same turtle sends the whole drawing again:
    // keep what is on screen and animate only the new part.
    if (previous && this._continues(previous, drawing)) {
      this._updateStatus();
      this._play();
      return;
    }
    this._resize(drawing);
    this.replay();
  }

  /**
   * Start again from an empty canvas.
   */
  replay(): void {
    if (!this._drawing) {
      return;
    }
    this._state = initialState(this._drawing);
    this._index = 0;
    this._progress = 0;
    this._clear();
    this._updateStatus();
    this._play();
  }

  /**
   * Pause or resume the animation.
   */
  togglePause(): void {
    this._paused = !this._paused;
    this._pauseButton.textContent = this._paused
      ? this._trans.__('Resume')
      : this._trans.__('Pause');
    if (!this._paused) {
      this._play();
    }
  }

  /**
   * Draw everything left at once.
   */
  finish(): void {
    if (!this._drawing) {
      return;
    }
    this._paintRest();
    this._drawSprite();
    this._updateStatus();
  }

  /**
   * The drawing as PNG data (what the PNG export saves).
   */
  toPngDataUrl(): string {
    const out = document.createElement('canvas');
    out.width = this._canvas.width;
    out.height = this._canvas.height;
    const ctx = out.getContext('2d');
    if (ctx) {
      ctx.fillStyle = this._state?.background ?? '#f0f0f0';
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(this._canvas, 0, 0);
    }
    return out.toDataURL('image/png');
  }

  /**
   * The finished drawing as SVG (what the SVG export saves).
   */
  toSvg(): string {
    return this._drawing ? drawingToSvg(this._drawing) : '';
  }

  dispose(): void {
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
      this._frame = null;
    }
    super.dispose();
  }

  private _build(): void {
    const trans = this._trans;
    this._toolbar = document.createElement('div');
    this._toolbar.className = `${CLASS}-toolbar`;
    const button = (label: string, title: string, action: () => void) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `${CLASS}-button jp-Button jp-mod-minimal`;
      b.textContent = label;
      b.title = title;
      b.addEventListener('click', action);
      this._toolbar.appendChild(b);
      return b;
    };
    button(trans.__('Replay'), trans.__('Draw again from the start'), () =>
      this.replay()
    );
    this._pauseButton = button(
      trans.__('Pause'),
      trans.__('Pause or resume the drawing'),
      () => this.togglePause()
    );
    button(trans.__('Finish'), trans.__('Draw the rest at once'), () =>
      this.finish()
    );
    const speed = document.createElement('select');
    speed.className = `${CLASS}-speed jp-mod-styled`;
    speed.title = trans.__('Animation speed');
    speed.setAttribute('aria-label', trans.__('Animation speed'));
    for (const factor of SPEEDS) {
      const option = document.createElement('option');
      option.value = String(factor);
      option.textContent =
        factor === 0 ? trans.__('Instant') : trans.__('%1×', factor);
      option.selected = factor === this._speedFactor;
      speed.appendChild(option);
    }
    speed.addEventListener('change', () => {
      this._speedFactor = Number(speed.value);
      this._play();
    });
    this._toolbar.appendChild(speed);
    button(trans.__('PNG'), trans.__('Save the drawing as PNG'), () =>
      Private.download(this.toPngDataUrl(), 'turtle.png')
    );
    button(trans.__('SVG'), trans.__('Save the drawing as SVG'), () => {
      const url = URL.createObjectURL(
        new Blob([this.toSvg()], { type: 'image/svg+xml' })
      );
      Private.download(url, 'turtle.svg');
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    });
    this._status = document.createElement('span');
    this._status.className = `${CLASS}-status`;
    this._status.setAttribute('aria-live', 'polite');
    this._toolbar.appendChild(this._status);

    this._stage = document.createElement('div');
    this._stage.className = `${CLASS}-stage`;
    this._canvas = document.createElement('canvas');
    this._canvas.className = `${CLASS}-canvas`;
    this._canvas.setAttribute('role', 'img');
    this._canvas.setAttribute('aria-label', trans.__('Turtle drawing'));
    this._sprite = document.createElement('canvas');
    this._sprite.className = `${CLASS}-sprite`;
    this._sprite.setAttribute('aria-hidden', 'true');
    // The goal of an exercise, under the drawing; its SVG is built from a
    // validated drawing, as the SVG export.
    this._goalImage = document.createElement('img');
    this._goalImage.className = `${CLASS}-goal`;
    this._goalImage.alt = trans.__('Goal');
    this._goalImage.hidden = true;
    this._regions = document.createElement('div');
    this._regions.className = `${CLASS}-regions`;
    this._stage.append(
      this._goalImage,
      this._canvas,
      this._sprite,
      this._regions
    );
    this._feedback = document.createElement('div');
    this._feedback.className = `${CLASS}-feedback`;
    this._feedback.setAttribute('role', 'status');
    this._feedback.hidden = true;

    this._message = document.createElement('div');
    this._message.className = `${CLASS}-message`;
    this._message.hidden = true;
    this._error = document.createElement('div');
    this._error.className = `${CLASS}-error`;
    this._error.hidden = true;
    this.node.append(
      this._toolbar,
      this._stage,
      this._feedback,
      this._message,
      this._error
    );
  }

  private _showError(reason: Error): void {
    this._drawing = null;
    this._stage.hidden = true;
    this._toolbar.hidden = true;
    this._message.hidden = true;
    this._error.hidden = false;
    this._error.textContent = this._trans.__(
      'This turtle drawing cannot be shown: %1',
      reason.message
    );
  }

  private _continues(previous: ITurtleDrawing, next: ITurtleDrawing): boolean {
    if (
      previous.width !== next.width ||
      previous.height !== next.height ||
      next.ops.length < previous.ops.length ||
      this._index < previous.ops.length
    ) {
      return false;
    }
    const last = previous.ops.length - 1;
    return (
      last < 0 ||
      JSON.stringify(previous.ops[last]) === JSON.stringify(next.ops[last])
    );
  }

  private _resize(drawing: ITurtleDrawing): void {
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    for (const canvas of [this._canvas, this._sprite]) {
      canvas.width = Math.round(drawing.width * ratio);
      canvas.height = Math.round(drawing.height * ratio);
      canvas.getContext('2d')?.setTransform(ratio, 0, 0, ratio, 0, 0);
    }
    // Fit to view: never wider than the output area, never upscaled.
    this._stage.style.maxWidth = `${drawing.width}px`;
    this._stage.style.aspectRatio = `${drawing.width} / ${drawing.height}`;
  }

  private _clear(): void {
    const ctx = this._canvas.getContext('2d');
    if (this._drawing && this._state) {
      ctx?.clearRect(0, 0, this._drawing.width, this._drawing.height);
      // The background lives behind the transparent drawing canvas, so a
      // later `bg` operation changes it without repainting the lines.
      this._stage.style.backgroundColor = this._state.background;
    }
  }

  private _play(): void {
    if (this._frame !== null || this._paused || !this._drawing) {
      return;
    }
    if (this._speedFactor === 0) {
      this.finish();
      return;
    }
    let last: number | null = null;
    const step = (now: number) => {
      this._frame = null;
      if (this._paused || !this._drawing || this.isDisposed) {
        return;
      }
      if (this._speedFactor === 0) {
        this.finish();
        return;
      }
      // Time-based, so the pace does not depend on the display's frame rate;
      // a long gap (a hidden tab) does not make the turtle jump.
      const elapsed = last === null ? 1000 / 60 : Math.min(now - last, 100);
      last = now;
      this._advance(
        (PIXELS_PER_SECOND * this._state!.speed * this._speedFactor * elapsed) /
          1000
      );
      this._drawSprite();
      this._updateStatus();
      if (!this.finished) {
        this._frame = requestAnimationFrame(step);
      }
    };
    this._frame = requestAnimationFrame(step);
  }

  /**
   * Draw up to `budget` pixels of movement; other operations take no time.
   */
  private _advance(budget: number): void {
    const ops = this._drawing!.ops;
    const ctx = this._canvas.getContext('2d');
    const state = this._state!;
    while (budget > 0 && this._index < ops.length) {
      const op = ops[this._index];
      if (op[0] !== 'line') {
        this._paintOp(ctx, op);
        applyOp(state, op);
        this._index++;
        continue;
      }
      const dx = op[1] - state.x;
      const dy = op[2] - state.y;
      const length = Math.hypot(dx, dy);
      const from = this._progress;
      const to = Math.min(length, from + budget);
      budget -= to - from;
      if (ctx && length > 0) {
        Private.stroke(
          ctx,
          state,
          state.x + (dx * from) / length,
          state.y + (dy * from) / length,
          state.x + (dx * to) / length,
          state.y + (dy * to) / length
        );
      }
      if (to >= length) {
        applyOp(state, op);
        this._index++;
        this._progress = 0;
      } else {
        this._progress = to;
        this._partial = [
          state.x + (dx * to) / length,
          state.y + (dy * to) / length
        ];
        return;
      }
    }
    this._partial = null;
  }

  /**
   * Draw every remaining operation in one pass, lines of one style batched
   * into one path: the animation-off path for large drawings.
   */
  private _paintRest(): void {
    const ops = this._drawing!.ops;
    const ctx = this._canvas.getContext('2d');
    const state = this._state!;
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
      this._frame = null;
    }
    let open = false;
    const close = () => {
      if (open && ctx) {
        ctx.stroke();
      }
      open = false;
    };
    for (; this._index < ops.length; this._index++) {
      const op = ops[this._index];
      if (op[0] === 'line') {
        if (ctx) {
          if (!open) {
            ctx.beginPath();
            ctx.strokeStyle = state.colour;
            ctx.lineWidth = state.width;
            ctx.lineCap = 'round';
            ctx.lineJoin = 'round';
            const [sx, sy] =
              this._progress > 0 && this._partial
                ? this._partial
                : [state.x, state.y];
            ctx.moveTo(sx, sy);
            open = true;
          }
          ctx.lineTo(op[1], op[2]);
        }
      } else if (op[0] !== 'turn' && op[0] !== 'speed' && op[0] !== 'show') {
        close();
        this._paintOp(ctx, op);
      }
      this._progress = 0;
      this._partial = null;
      applyOp(state, op);
    }
    close();
  }

  private _paintOp(ctx: CanvasRenderingContext2D | null, op: TurtleOp): void {
    if (!ctx) {
      return;
    }
    switch (op[0]) {
      case 'fill':
        if (op[2].length >= 3) {
          ctx.beginPath();
          ctx.moveTo(op[2][0][0], op[2][0][1]);
          for (const [x, y] of op[2].slice(1)) {
            ctx.lineTo(x, y);
          }
          ctx.closePath();
          ctx.fillStyle = op[1];
          ctx.fill();
        }
        break;
      case 'text':
        ctx.fillStyle = op[4];
        ctx.font = `${op[5]}px sans-serif`;
        ctx.fillText(op[3], op[1], op[2]);
        break;
      case 'bg':
        this._stage.style.backgroundColor = op[1];
        break;
    }
  }

  private _drawSprite(): void {
    const ctx = this._sprite.getContext('2d');
    const state = this._state;
    if (!ctx || !state || !this._drawing) {
      return;
    }
    ctx.clearRect(0, 0, this._drawing.width, this._drawing.height);
    if (!state.visible) {
      return;
    }
    const [x, y] = this._partial ?? [state.x, state.y];
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate((state.heading * Math.PI) / 180);
    ctx.beginPath();
    ctx.moveTo(10, 0);
    ctx.lineTo(-7, 6);
    ctx.lineTo(-4, 0);
    ctx.lineTo(-7, -6);
    ctx.closePath();
    ctx.fillStyle = state.colour;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1;
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  private _updateStatus(): void {
    const total = this._drawing?.ops.length ?? 0;
    this._status.textContent = this.finished
      ? this._trans.__('Done')
      : this._trans.__('Drawing… %1%', Math.floor((this._index / total) * 100));
    this.node.dataset.finished = String(this.finished);
    this.node.dataset.ops = String(total);
    this._check();
  }

  /**
   * Check the finished drawing against the goal and show the result; hide
   * it while the drawing is not finished.
   */
  private _check(): void {
    if (!this._goal || !this._drawing || !this.finished) {
      this._comparison = null;
      this._feedback.hidden = true;
      this._regions.textContent = '';
      delete this.node.dataset.match;
      return;
    }
    if (this._comparison) {
      return;
    }
    const result = compareSegments(
      drawingSegments(this._goal),
      drawingSegments(this._drawing),
      this._tolerance
    );
    this._comparison = result;
    this.node.dataset.match = String(result.match);
    const trans = this._trans;
    const feedback = this._feedback;
    feedback.hidden = false;
    feedback.classList.toggle('jp-mod-match', result.match);
    feedback.classList.toggle('jp-mod-differs', !result.match);
    if (result.match) {
      feedback.textContent = trans.__('Matches the goal.');
    } else {
      const near = (r: IRegion) =>
        `(${Math.round(r.x + r.width / 2)}, ${Math.round(r.y + r.height / 2)})`;
      const parts = [
        ...result.missing.map(r =>
          trans.__('a part of the goal is missing near %1', near(r))
        ),
        ...result.extra.map(r =>
          trans.__('a line the goal does not have near %1', near(r))
        )
      ];
      const shown = parts.slice(0, Private.MAX_PARTS);
      if (parts.length > shown.length) {
        shown.push(trans.__('%1 more', parts.length - shown.length));
      }
      feedback.textContent = trans.__(
        'Differs from the goal: %1. The boxes on the drawing show where.',
        shown.join('; ')
      );
    }
    // Boxes in drawing coordinates, as percentages, so they follow the
    // canvas when it is fitted to the view.
    this._regions.textContent = '';
    const drawing = this._drawing;
    const pad = Math.max(this._tolerance, 4);
    for (const [kind, regions] of [
      ['missing', result.missing],
      ['extra', result.extra]
    ] as const) {
      for (const r of regions) {
        const box = document.createElement('div');
        box.className = `${CLASS}-region jp-mod-${kind}`;
        box.title =
          kind === 'missing'
            ? trans.__('Missing from your drawing')
            : trans.__('Not in the goal');
        box.style.left = `${((r.x - pad) / drawing.width) * 100}%`;
        box.style.top = `${((r.y - pad) / drawing.height) * 100}%`;
        box.style.width = `${((r.width + 2 * pad) / drawing.width) * 100}%`;
        box.style.height = `${((r.height + 2 * pad) / drawing.height) * 100}%`;
        this._regions.appendChild(box);
      }
    }
  }

  private _canvas!: HTMLCanvasElement;
  private _drawing: ITurtleDrawing | null = null;
  private _comparison: IComparison | null = null;
  private _error!: HTMLDivElement;
  private _feedback!: HTMLDivElement;
  private _goal: ITurtleDrawing | null = null;
  private _goalImage!: HTMLImageElement;
  private _regions!: HTMLDivElement;
  private _tolerance = DEFAULT_TOLERANCE;
  private _frame: number | null = null;
  private _index = 0;
  private _message!: HTMLDivElement;
  private _partial: [number, number] | null = null;
  private _pauseButton!: HTMLButtonElement;
  private _paused = false;
  private _progress = 0;
  private _speedFactor: number;
  private _sprite!: HTMLCanvasElement;
  private _stage!: HTMLDivElement;
  private _state: ITurtleState | null = null;
  private _status!: HTMLSpanElement;
  private _toolbar!: HTMLDivElement;
  private _trans: TranslationBundle;
}

/**
 * A namespace for `TurtleView` statics.
 */
export namespace TurtleView {
  export interface IOptions {
    translator?: ITranslator;
    /**
     * The starting speed as a multiple of the program's; 0 draws at once.
     */
    speedFactor?: number;
  }
}

namespace Private {
  /**
   * The most differences the feedback lists in words; the boxes show all.
   */
  export const MAX_PARTS = 4;

  export function stroke(
    ctx: CanvasRenderingContext2D,
    state: ITurtleState,
    x1: number,
    y1: number,
    x2: number,
    y2: number
  ): void {
    ctx.beginPath();
    ctx.strokeStyle = state.colour;
    ctx.lineWidth = state.width;
    ctx.lineCap = 'round';
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
  }

  export function download(url: string, filename: string): void {
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
}
