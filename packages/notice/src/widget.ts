/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { IMarkdownParser } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { keepLineBreaks } from './text';
import type { INotice, INoticeManager } from './tokens';

/**
 * The class name of the banner.
 */
const BANNER_CLASS = 'jp-LtilabNotice';

/**
 * The course-notice banner.
 *
 * #### Notes
 * It is a live region, so screen readers announce new notices, but it never
 * takes focus: a student typing in a notebook keeps typing. Escape on a
 * focused notice, or its close button, dismisses it. It is hidden (and takes
 * no space) while there is nothing to show.
 */
export class NoticeBanner extends Widget {
  constructor(options: NoticeBanner.IOptions) {
    super();
    this._manager = options.manager;
    this._renderer = options.renderer ?? NoticeBanner.plainTextRenderer;
    this._trans = (options.translator ?? nullTranslator).load('ltilab');
    this.addClass(BANNER_CLASS);
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Course notices'));
    this._list = document.createElement('div');
    this._list.className = `${BANNER_CLASS}-list`;
    this._list.setAttribute('aria-live', 'polite');
    this._list.setAttribute('aria-relevant', 'additions text');
    this.node.appendChild(this._list);
    this._manager.changed.connect(this._update, this);
    if (typeof ResizeObserver !== 'undefined') {
      // Markdown renders asynchronously and text re-wraps when the window
      // resizes: follow the list's real height whenever it changes.
      this._resizeObserver = new ResizeObserver(() => this._fit());
      this._resizeObserver.observe(this._list);
    }
    this._update();
  }

  /**
   * The manager whose notices are shown.
   */
  get manager(): INoticeManager {
    return this._manager;
  }

  /**
   * The ids of the notices on display, in order.
   */
  get shownIds(): string[] {
    return [...this._items.keys()];
  }

  /**
   * Handle DOM events on the banner.
   */
  handleEvent(event: Event): void {
    if (event.type === 'keydown') {
      this._onKeyDown(event as KeyboardEvent);
    } else if (event.type === 'click') {
      const button = (event.target as HTMLElement).closest(
        `.${BANNER_CLASS}-dismiss`
      );
      const item = button?.closest<HTMLElement>(`.${BANNER_CLASS}-item`);
      if (item?.dataset.noticeId) {
        this._dismiss(item.dataset.noticeId);
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._manager.changed.disconnect(this._update, this);
    this._resizeObserver?.disconnect();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.node.addEventListener('keydown', this);
    this.node.addEventListener('click', this);
    this._fit();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._fit();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._fit();
  }

  protected onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('keydown', this);
    this.node.removeEventListener('click', this);
    super.onBeforeDetach(msg);
  }

  private _onKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') {
      return;
    }
    const item = (event.target as HTMLElement).closest<HTMLElement>(
      `.${BANNER_CLASS}-item`
    );
    if (item?.dataset.noticeId && item.dataset.kind === 'normal') {
      event.preventDefault();
      event.stopPropagation();
      this._dismiss(item.dataset.noticeId);
    }
  }

  private _dismiss(id: string): void {
    // Keep keyboard users in the banner: if the dismissed notice held focus,
    // hand it to the next notice's button (never anywhere else).
    const ids = this.shownIds;
    const hadFocus = this._items.get(id)?.contains(document.activeElement);
    this._manager.dismiss(id);
    if (hadFocus) {
      const next = ids[ids.indexOf(id) + 1] ?? ids[ids.indexOf(id) - 1];
      this._items
        .get(next)
        ?.querySelector<HTMLElement>(`.${BANNER_CLASS}-dismiss`)
        ?.focus();
    }
  }

  private _update(): void {
    const notices = this._manager.notices;
    const wanted = new Set(notices.map(n => n.id));
    for (const [id, node] of this._items) {
      if (!wanted.has(id)) {
        node.remove();
        this._items.delete(id);
      }
    }
    // Existing nodes are kept as they are, so focus and selection inside
    // them survive a poll; only new notices are rendered.
    let previous: HTMLElement | null = null;
    for (const notice of notices) {
      let node = this._items.get(notice.id);
      if (!node) {
        node = this._createItem(notice);
        this._items.set(notice.id, node);
      }
      const expected: ChildNode | null = previous
        ? previous.nextSibling
        : this._list.firstChild;
      if (expected !== node) {
        this._list.insertBefore(node, expected);
      }
      previous = node;
    }
    this.toggleClass('jp-mod-empty', notices.length === 0);
    this.setHidden(notices.length === 0);
    this._fit();
  }

  /**
   * Size the banner to its content.
   *
   * #### Notes
   * JupyterLab's header and top areas are Lumino box panels: they size a
   * child from its CSS min and max height, never from its content. So the
   * banner pins both to the list's height (capped, then it scrolls) and asks
   * its parent to lay out again.
   */
  private _fit(): void {
    if (!this.isAttached || this.isHidden) {
      return;
    }
    const cap = Math.round(window.innerHeight * 0.4);
    const height = Math.min(this._list.offsetHeight, cap);
    if (height === this._height) {
      return;
    }
    this._height = height;
    this.node.style.minHeight = `${height}px`;
    this.node.style.maxHeight = `${height}px`;
    this.parent?.fit();
  }

  private _createItem(notice: INotice): HTMLElement {
    const trans = this._trans;
    const item = document.createElement('div');
    item.className = `${BANNER_CLASS}-item jp-mod-${notice.level} jp-mod-${notice.kind}`;
    item.dataset.noticeId = notice.id;
    item.dataset.kind = notice.kind;
    item.dataset.level = notice.level;

    const label = document.createElement('span');
    label.className = `${BANNER_CLASS}-level`;
    label.textContent = Private.levelLabel(notice, trans);
    item.appendChild(label);

    const content = document.createElement('div');
    content.className = `${BANNER_CLASS}-content`;
    item.appendChild(content);

    const text = document.createElement('div');
    text.className = `${BANNER_CLASS}-text`;
    content.appendChild(text);
    this._renderer.render(notice.body, text).catch(reason => {
      // A renderer failure must not hide the notice: show the raw text.
      console.warn('ltilab-notice: rendering failed', reason);
      return NoticeBanner.plainTextRenderer.render(notice.body, text);
    });

    if (notice.truncated) {
      const marker = document.createElement('div');
      marker.className = `${BANNER_CLASS}-truncated`;
      marker.textContent = trans.__(
        '[This notice was cut: the notice file is larger than 64 KiB.]'
      );
      content.appendChild(marker);
    }

    if (notice.kind === 'normal') {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `${BANNER_CLASS}-dismiss jp-Button jp-mod-minimal`;
      button.title = trans.__('Dismiss this notice (Escape)');
      button.setAttribute('aria-label', trans.__('Dismiss notice'));
      button.textContent = '×';
      item.appendChild(button);
    }
    return item;
  }

  private _height = -1;
  private _items = new Map<string, HTMLElement>();
  private _list: HTMLElement;
  private _manager: INoticeManager;
  private _renderer: NoticeBanner.IRenderer;
  private _resizeObserver: ResizeObserver | null = null;
  private _trans: TranslationBundle;
}

/**
 * A namespace for `NoticeBanner` statics.
 */
export namespace NoticeBanner {
  export interface IOptions {
    /**
     * The manager whose notices are shown.
     */
    manager: INoticeManager;

    /**
     * How a notice body becomes DOM; the default shows plain text.
     */
    renderer?: IRenderer;

    /**
     * The application translator.
     */
    translator?: ITranslator;
  }

  /**
   * Renders an untrusted notice body into a host element.
   */
  export interface IRenderer {
    render(body: string, host: HTMLElement): Promise<void>;
  }

  /**
   * Plain text with its line breaks (CSS `pre-wrap`); nothing is parsed.
   */
  export const plainTextRenderer: IRenderer = {
    render(body: string, host: HTMLElement): Promise<void> {
      host.classList.add('jp-mod-plain');
      host.textContent = body;
      return Promise.resolve();
    }
  };

  /**
   * The tags a notice may use: text formatting, lists, links, code, tables.
   * Nothing that loads a resource (img, iframe, video, link, style) or runs
   * code is allowed, so a notice can never phone home or execute.
   */
  export const ALLOWED_TAGS = [
    'a',
    'b',
    'blockquote',
    'br',
    'code',
    'del',
    'em',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'i',
    'kbd',
    'li',
    'ol',
    'p',
    'pre',
    's',
    'span',
    'strong',
    'sub',
    'sup',
    'table',
    'tbody',
    'td',
    'th',
    'thead',
    'tr',
    'ul'
  ];

  /**
   * A renderer that parses Markdown with JupyterLab's parser and sanitises
   * the result with JupyterLab's sanitiser, restricted to `ALLOWED_TAGS`.
   */
  export function markdownRenderer(
    parser: IMarkdownParser,
    sanitizer: IRenderMime.ISanitizer
  ): IRenderer {
    return {
      async render(body: string, host: HTMLElement): Promise<void> {
        const html = await parser.render(keepLineBreaks(body));
        host.innerHTML = sanitizer.sanitize(html, {
          allowedTags: ALLOWED_TAGS,
          allowedAttributes: {
            a: ['href', 'title'],
            code: ['class'],
            td: ['align'],
            th: ['align']
          }
        });
        host.querySelectorAll('a').forEach(anchor => {
          anchor.target = '_blank';
          anchor.rel = 'noopener noreferrer';
        });
      }
    };
  }
}

namespace Private {
  export function levelLabel(
    notice: INotice,
    trans: TranslationBundle
  ): string {
    switch (notice.level) {
      case 'error':
        return trans.__('Error:');
      case 'warning':
        return trans.__('Warning:');
      default:
        return trans.__('Notice:');
    }
  }
}
