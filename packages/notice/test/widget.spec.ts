/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { Sanitizer } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import { marked } from 'marked';

import {
  INoticeContent,
  INoticeSource,
  NoticeBanner,
  NoticeManager,
  NoticeStateStore
} from '../src';

const parser = {
  render: (source: string) => Promise.resolve(marked.parse(source) as string)
};

class FixedSource implements INoticeSource {
  constructor(
    readonly id: string,
    public report: INoticeContent[]
  ) {}
  fetch() {
    return Promise.resolve(this.report);
  }
}

const content = (
  body: string,
  extra: Partial<INoticeContent> = {}
): INoticeContent => ({
  kind: 'normal',
  level: 'info',
  body,
  truncated: false,
  ...extra
});

describe('@ltilab/notice NoticeBanner', () => {
  let manager: NoticeManager;
  let banner: NoticeBanner;
  let source: FixedSource;

  beforeEach(async () => {
    window.localStorage.clear();
    manager = new NoticeManager({
      store: new NoticeStateStore({ key: 'k', storage: window.localStorage })
    });
    source = new FixedSource('file:normal', []);
    manager.addSource(source);
    banner = new NoticeBanner({
      manager,
      renderer: NoticeBanner.markdownRenderer(parser, new Sanitizer())
    });
    Widget.attach(banner, document.body);
  });

  afterEach(() => {
    banner.dispose();
    manager.dispose();
  });

  const items = () =>
    Array.from(
      banner.node.querySelectorAll<HTMLElement>('.jp-LtilabNotice-item')
    );
  const settle = () => new Promise(resolve => setTimeout(resolve, 0));

  it('should be hidden and take no space while empty', async () => {
    await manager.refresh();
    expect(banner.isHidden).toBe(true);
    expect(banner.hasClass('jp-mod-empty')).toBe(true);
  });

  it('should be a labelled region with a live list', () => {
    expect(banner.node.getAttribute('role')).toBe('region');
    expect(banner.node.getAttribute('aria-label')).toBe('Course notices');
    expect(
      banner.node
        .querySelector('.jp-LtilabNotice-list')
        ?.getAttribute('aria-live')
    ).toBe('polite');
  });

  it('should render Markdown and keep line breaks', async () => {
    source.report = [content('**Due** Friday\nRoom 3')];
    await manager.refresh();
    await settle();
    expect(banner.isHidden).toBe(false);
    const text = banner.node.querySelector('.jp-LtilabNotice-text')!;
    expect(text.querySelector('strong')?.textContent).toBe('Due');
    expect(text.querySelectorAll('br').length).toBe(1);
  });

  it('should keep script, handlers and remote loads inert', async () => {
    (window as any).__pwned = undefined;
    source.report = [
      content(
        'Hi <img src="http://198.51.100.1/x.png" onerror="window.__pwned=1">' +
          '<script>window.__pwned=2</script>' +
          '<a href="javascript:window.__pwned=3">link</a>' +
          '<iframe src="http://198.51.100.1/"></iframe>' +
          '<span style="background:url(http://198.51.100.1/y)">s</span>'
      )
    ];
    await manager.refresh();
    await settle();
    const text = banner.node.querySelector('.jp-LtilabNotice-text')!;
    expect(text.querySelector('img, script, iframe')).toBeNull();
    expect(text.innerHTML).not.toMatch(/onerror|javascript:|url\(/);
    expect(text.textContent).toContain('Hi');
    expect((window as any).__pwned).toBeUndefined();
    const link = text.querySelector('a');
    if (link) {
      expect(link.getAttribute('href') ?? '').not.toMatch(/javascript/);
    }
  });

  it('should open links in a new tab without an opener', async () => {
    source.report = [
      content('[course](https://lms.example.edu/course/view.php?id=57)')
    ];
    await manager.refresh();
    await settle();
    const link = banner.node.querySelector('a')!;
    expect(link.target).toBe('_blank');
    expect(link.rel).toBe('noopener noreferrer');
  });

  it('should mark level and kind, and offer dismissal only for normal notices', async () => {
    source.report = [
      content('stop', { kind: 'sticky', level: 'error' }),
      content('fyi', { level: 'warning' })
    ];
    await manager.refresh();
    const [first, second] = items();
    expect(first.classList).toContain('jp-mod-error');
    expect(first.querySelector('.jp-LtilabNotice-dismiss')).toBeNull();
    expect(first.querySelector('.jp-LtilabNotice-level')?.textContent).toBe(
      'Error:'
    );
    expect(second.classList).toContain('jp-mod-warning');
    expect(second.querySelector('.jp-LtilabNotice-dismiss')).not.toBeNull();
  });

  it('should show a marker on a cut notice', async () => {
    source.report = [content('long', { truncated: true })];
    await manager.refresh();
    expect(
      banner.node.querySelector('.jp-LtilabNotice-truncated')?.textContent
    ).toMatch(/64 KiB/);
  });

  it('should dismiss with the button and with Escape, moving focus within the banner', async () => {
    source.report = [content('one'), content('two'), content('three')];
    await manager.refresh();
    items()[0].querySelector<HTMLElement>('.jp-LtilabNotice-dismiss')!.click();
    expect(items().map(i => i.textContent)).toEqual([
      expect.stringContaining('two'),
      expect.stringContaining('three')
    ]);
    const button = items()[0].querySelector<HTMLElement>(
      '.jp-LtilabNotice-dismiss'
    )!;
    button.focus();
    button.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
    );
    expect(items().length).toBe(1);
    expect(document.activeElement).toBe(
      items()[0].querySelector('.jp-LtilabNotice-dismiss')
    );
  });

  it('should never take focus when a notice arrives', async () => {
    const input = document.createElement('input');
    document.body.appendChild(input);
    input.focus();
    source.report = [content('new')];
    await manager.refresh();
    await settle();
    expect(document.activeElement).toBe(input);
    input.remove();
  });

  it('should keep existing nodes across polls', async () => {
    source.report = [content('stay')];
    await manager.refresh();
    const node = items()[0];
    source.report = [content('new'), content('stay')];
    await manager.refresh();
    expect(items()[1]).toBe(node);
  });

  it('plain-text renderer should show markup as text', async () => {
    const host = document.createElement('div');
    await NoticeBanner.plainTextRenderer.render('<b>x</b>\ny', host);
    expect(host.querySelector('b')).toBeNull();
    expect(host.textContent).toBe('<b>x</b>\ny');
  });
});
