/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * A hub on a loopback port with fake user servers: real HTTP and WebSocket
 * targets (the `ws` package) behind a spawner that points at them.
 */

import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server
} from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocketServer } from 'ws';

import {
  ActivityTracker,
  HubServer,
  ServerManager,
  SqliteStore,
  createLogger,
  loadSessionSecret,
  parseConfig,
  signSessionId,
  type IDemoOptions,
  type IHubConfig,
  type IServerRecord,
  type ISpawner,
  type ISpawnTarget,
  type IStartedServer
} from '../src/index.js';

import { tempDir } from './helpers.js';

/**
 * What a target saw of one request.
 */
export interface ISeen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remotePort: number;
}

/**
 * A fake Jupyter server: `/…/echo` echoes the body, `/…/page` sends HTML
 * holding the token, WebSockets echo every frame.
 */
export class TargetServer {
  readonly token = randomBytes(16).toString('hex');
  readonly seen: ISeen[] = [];
  readonly wsSeen: IncomingHttpHeaders[] = [];
  server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      this.seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort!
      });
      if (req.url!.endsWith('/page')) {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.setHeader('set-cookie', '_xsrf=abc; Path=/');
        res.end(
          `<script id="jupyter-config-data">{"token": "${this.token}"}</script>`
        );
        return;
      }
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('x-target', 'yes');
      res.end(body);
    });
  });
  wss = new WebSocketServer({ server: this.server });

  constructor() {
    this.wss.on('connection', (ws, req) => {
      this.wsSeen.push(req.headers);
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>(r => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) {
      c.terminate();
    }
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise(r => this.server.close(r));
  }
}

/**
 * A spawner whose servers are already running targets.
 */
export class StaticSpawner implements ISpawner {
  readonly name = 'static';
  targets = new Map<string, { url: string; token: string }>();
  stopped: string[] = [];
  notices: string[] = [];

  async start(target: ISpawnTarget): Promise<IStartedServer> {
    const t = this.targets.get(target.user.name);
    if (!t) {
      throw new Error(`no target for ${target.user.name}`);
    }
    return { ...t, pid: null, data: {} };
  }
  async stop(server: IServerRecord): Promise<void> {
    this.stopped.push(server.userName);
  }
  async status(): Promise<'running'> {
    return 'running';
  }
  async adopt(): Promise<boolean> {
    return true;
  }
  async notify(server: IServerRecord, text: string): Promise<void> {
    this.notices.push(`${server.userName}: ${text}`);
  }
}

/**
 * A running hub with the static spawner.
 */
export interface ITestHub {
  hub: HubServer;
  port: number;
  origin: string;
  config: IHubConfig;
  store: SqliteStore;
  manager: ServerManager;
  activity: ActivityTracker;
  spawner: StaticSpawner;
  lines: string[];
  /**
   * Bind a user and return a `Cookie` header value for a new session.
   */
  signIn(user: string): string;
  close(): Promise<void>;
}

export const CONSUMER_SECRET = 'hub-test-consumer-secret';

export async function startHub(
  options: {
    apiTokens?: Map<string, string>;
    demo?: IDemoOptions;
    withManager?: boolean;
  } = {}
): Promise<ITestHub> {
  const dir = tempDir();
  const config = parseConfig(
    {
      dataDir: dir.path,
      lti: { consumers: [{ key: 'moodle', secretEnv: 'SECRET' }] }
    },
    { env: { SECRET: CONSUMER_SECRET } }
  ).config;
  if (options.demo) {
    config.lti.consumers.set(options.demo.key, options.demo.secret);
  }
  const store = new SqliteStore(dir.path);
  const lines: string[] = [];
  const logger = createLogger('debug', l => lines.push(l));
  const activity = new ActivityTracker(store);
  const spawner = new StaticSpawner();
  const manager = new ServerManager({ store, spawner, activity, logger });
  const hub = new HubServer({
    config,
    store,
    logger,
    manager: options.withManager === false ? undefined : manager,
    apiTokens: options.apiTokens,
    demo: options.demo
  });
  const port = (await hub.listen(0, '127.0.0.1')).port;
  const secret = loadSessionSecret(null, dir.path);
  return {
    hub,
    port,
    origin: `http://127.0.0.1:${port}`,
    config,
    store,
    manager,
    activity,
    spawner,
    lines,
    signIn(user: string): string {
      store.bindUser(
        {
          lmsKey: `moodle:${user}`,
          lmsUsername: user,
          consumerKey: 'moodle',
          candidates: [user],
          isTeacher: false
        },
        Date.now()
      );
      const id = store.createSession(user, null, 3600_000, Date.now());
      return `ltilab-session=${signSessionId(id, secret)}`;
    },
    async close(): Promise<void> {
      await hub.close();
      activity.dispose();
      store.close();
      dir.remove();
    }
  };
}

/**
 * The answer to one raw request.
 */
export interface IResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * One HTTP request over loopback.
 */
export function send(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }
): Promise<IResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        agent: false
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body,
            text: body.toString()
          });
        });
      }
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
