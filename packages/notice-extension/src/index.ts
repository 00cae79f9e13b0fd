/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module notice-extension
 */

import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { IMarkdownParser, IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  FileNoticeSource,
  INotice,
  INoticeConfig,
  INoticeManager,
  NoticeBanner,
  NoticeManager,
  NoticeStateStore,
  readPageConfig,
  resolveNoticeConfig
} from '@ltilab/notice';

/**
 * The command ids of the notice extension.
 */
namespace CommandIDs {
  export const refresh = 'ltilab-notice:refresh';
  export const undoDismiss = 'ltilab-notice:undo-dismiss';
  export const dismissAll = 'ltilab-notice:dismiss-all';
  export const restoreDismissed = 'ltilab-notice:restore-dismissed';
}

/**
 * The notice manager, fed by the jnotice notice files.
 */
const managerPlugin: JupyterFrontEndPlugin<INoticeManager> = {
  id: '@ltilab/notice-extension:manager',
  description:
    'Provides the course-notice manager and reads the jnotice notice files.',
  autoStart: true,
  provides: INoticeManager,
  optional: [ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null
  ): INoticeManager => {
    const serverSettings = app.serviceManager.serverSettings;
    const store = new NoticeStateStore({
      key: `ltilab-notice:${serverSettings.baseUrl}`,
      storage: Private.localStorage(),
      window
    });
    const pageConfig = readPageConfig(name => PageConfig.getOption(name));
    const initial = resolveNoticeConfig({}, pageConfig, {});
    const manager = new NoticeManager({
      store,
      document,
      pollInterval: initial.pollMs
    });
    const normal = new FileNoticeSource({
      id: 'file:normal',
      kind: 'normal',
      path: initial.path,
      serverSettings
    });
    const sticky = new FileNoticeSource({
      id: 'file:sticky',
      kind: 'sticky',
      path: initial.stickyPath,
      serverSettings
    });
    manager.addSource(sticky);
    manager.addSource(normal);

    const apply = (config: INoticeConfig) => {
      normal.path = config.path;
      sticky.path = config.stickyPath;
      manager.pollInterval = config.pollMs;
    };

    // Poll only once every plugin is active: a notice must not be announced
    // (and remembered as announced) before the banner listens for it.
    const start = () => void app.restored.then(() => manager.start());

    if (settingRegistry) {
      settingRegistry
        .load(managerPlugin.id)
        .then(settings => {
          const update = () => {
            const defaults: Partial<INoticeConfig> = {
              path: settings.default('path') as string,
              stickyPath: settings.default('stickyPath') as string,
              pollMs: settings.default('pollMs') as number
            };
            apply(
              resolveNoticeConfig(
                defaults,
                pageConfig,
                settings.user as Partial<INoticeConfig>
              )
            );
          };
          update();
          settings.changed.connect(() => {
            update();
            void manager.refresh();
          });
        })
        .catch(reason => {
          console.error('ltilab-notice: cannot load settings', reason);
        })
        .then(start);
    } else {
      start();
    }
    return manager;
  }
};

/**
 * The banner, the notifications and the commands.
 */
const bannerPlugin: JupyterFrontEndPlugin<void> = {
  id: '@ltilab/notice-extension:banner',
  description:
    'Shows course notices in a banner at the top of JupyterLab and raises a notification for each new one.',
  autoStart: true,
  requires: [INoticeManager],
  optional: [
    ITranslator,
    IMarkdownParser,
    IRenderMimeRegistry,
    ISettingRegistry,
    ICommandPalette,
    ILabShell
  ],
  activate: (
    app: JupyterFrontEnd,
    manager: INoticeManager,
    translator: ITranslator | null,
    markdownParser: IMarkdownParser | null,
    rendermime: IRenderMimeRegistry | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('ltilab');
    const renderer =
      markdownParser && rendermime
        ? NoticeBanner.markdownRenderer(markdownParser, rendermime.sanitizer)
        : NoticeBanner.plainTextRenderer;
    const banner = new NoticeBanner({ manager, renderer, translator });
    banner.id = 'jp-ltilab-notice-banner';
    app.shell.add(banner, 'header', { rank: 10 });

    let notify = true;
    if (settingRegistry) {
      void settingRegistry.load(bannerPlugin.id).then(settings => {
        const update = () => {
          notify = settings.get('notify').composite !== false;
        };
        update();
        settings.changed.connect(update);
      });
    }

    manager.arrived.connect((_, notice) => {
      if (notify) {
        Private.notify(notice, trans.__('Course notice'));
      }
    });

    const { commands } = app;
    const hasDismissible = () =>
      manager.notices.some(notice => notice.kind === 'normal');
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Check for Course Notices'),
      caption: trans.__('Read the notice files now'),
      execute: () => manager.refresh()
    });
    commands.addCommand(CommandIDs.dismissAll, {
      label: trans.__('Dismiss All Course Notices'),
      caption: trans.__('Dismiss every notice that can be dismissed'),
      isEnabled: hasDismissible,
      execute: () => {
        for (const notice of manager.notices) {
          manager.dismiss(notice.id);
        }
      }
    });
    commands.addCommand(CommandIDs.undoDismiss, {
      label: trans.__('Undo Course Notice Dismissal'),
      caption: trans.__('Show the notice dismissed last again'),
      execute: () => {
        if (!manager.undoDismiss()) {
          Notification.info(trans.__('There is no dismissed notice to show.'), {
            autoClose: 3000
          });
        }
      }
    });
    commands.addCommand(CommandIDs.restoreDismissed, {
      label: trans.__('Show Dismissed Course Notices'),
      caption: trans.__('Show every current notice again, dismissed or not'),
      execute: () => manager.restoreDismissed()
    });
    manager.changed.connect(() => {
      commands.notifyCommandChanged(CommandIDs.dismissAll);
    });

    if (palette) {
      const category = trans.__('Course Notices');
      for (const command of [
        CommandIDs.refresh,
        CommandIDs.dismissAll,
        CommandIDs.undoDismiss,
        CommandIDs.restoreDismissed
      ]) {
        palette.addItem({ command, category });
      }
    }
  }
};

namespace Private {
  /**
   * The page's localStorage, or null where the browser refuses it.
   */
  export function localStorage(): Storage | null {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  }

  /**
   * Raise a JupyterLab notification for a new notice. Notifications are
   * plain text, so the first lines of the Markdown source are enough; the
   * banner shows the whole notice.
   */
  export function notify(notice: INotice, prefix: string): void {
    const summary = notice.body
      .split('\n')
      .map(line =>
        line
          .replace(/^[#>*\-\s]+/, '')
          .replace(/\*\*|__|~~|`/g, '')
          .trim()
      )
      .filter(Boolean)
      .join(' ');
    const message = `${prefix}: ${summary}`;
    Notification.emit(
      message.length > 140 ? `${message.slice(0, 139)}…` : message,
      notice.level,
      { autoClose: notice.kind === 'sticky' ? false : 8000 }
    );
  }
}

export default [
  managerPlugin,
  bannerPlugin
] as JupyterFrontEndPlugin<unknown>[];
