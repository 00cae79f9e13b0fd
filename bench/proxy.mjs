// The hub's proxy beside configurable-http-proxy (npm) and a direct
// connection, on the same loopback backend, with the same load generator,
// in one run.
//
//   node bench/proxy.mjs            (needs `make hub` and Debian's wrk)
//   node bench/proxy.mjs --ws-only  (WebSocket figures only, to iterate)
//
// HTTP: wrk, 1 thread, 32 connections, 8 s per target: requests/s, p50 and
// p99 latency. WebSocket: one connection echoing 2 KiB binary messages
// (kernel-sized), 32 in flight, 5 s: messages/s. Each figure is the median
// of three rounds that take the targets in turn, so a neighbour's burst of
// load on a shared machine does not land on one target only. The hub runs
// with its
// authentication (signed session cookie, Origin check) and per-user activity
// tracking on, as in production. Each part runs in its own process.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChp } from './hub-common.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] ?? 'main';
const wsOnly = process.argv.includes('--ws-only');

/** Print one JSON line for the parent, then keep serving. */
const report = value => process.stdout.write(JSON.stringify(value) + '\n');

async function backend() {
  const { WebSocketServer } = await import('ws');
  const body = JSON.stringify({
    kernel: 'idle',
    execution_state: 'idle',
    n: 42
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body)
      });
      res.end(body);
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', ws =>
    ws.on('message', (data, binary) => ws.send(data, { binary }))
  );
  server.listen(0, '127.0.0.1', () =>
    report({ url: `http://127.0.0.1:${server.address().port}` })
  );
}

async function hub(backendUrl) {
  const { startHub } = await import(
    path.join(root, 'hub-runtime/lib/test/hub-helpers.js')
  );
  const { target } = await import(
    path.join(root, 'hub-runtime/lib/test/spawn-helpers.js')
  );
  const t = await startHub();
  t.spawner.targets.set('bench', { url: backendUrl, token: 'b'.repeat(32) });
  const cookie = t.signIn('bench');
  await t.manager.launch(target('bench'));
  report({ url: t.origin, cookie });
}

async function wsLoad(url, headersJson) {
  const { WebSocket } = await import('ws');
  const headers = JSON.parse(headersJson);
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const payload = Buffer.alloc(2048, 0x5a);
  let received = 0;
  let running = true;
  ws.on('message', () => {
    received++;
    if (running) {
      ws.send(payload);
    }
  });
  for (let i = 0; i < 32; i++) {
    ws.send(payload);
  }
  const seconds = 5;
  await new Promise(r => setTimeout(r, seconds * 1000));
  running = false;
  report({ messagesPerSecond: received / seconds });
  ws.terminate();
  process.exit(0);
}

/** Start `node bench/proxy.mjs <mode> …` and read its first JSON line. */
function child(args, env = {}) {
  const proc = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env }
    }
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    proc.stdout.on('data', chunk => {
      buffer += chunk;
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n')) {
        resolve({ proc, value: JSON.parse(line) });
      }
    });
    proc.once('exit', code =>
      reject(new Error(`${args[0]} exited with ${code}`))
    );
  });
}

function wrk(url, headers) {
  const args = ['-t1', '-c32', '-d8s', '--latency'];
  for (const [k, v] of Object.entries(headers)) {
    args.push('-H', `${k}: ${v}`);
  }
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8' });
  const ms = text => {
    const m = /([\d.]+)(us|ms|s)/.exec(text);
    return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) {
    throw new Error(`${url}: ${errors[1]} failed responses\n${out}`);
  }
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    p50: ms(/\s50%\s+(\S+)/.exec(out)[1]),
    p99: ms(/\s99%\s+(\S+)/.exec(out)[1])
  };
}

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

async function main() {
  const chpBin = ensureChp();
  const children = [];
  try {
    const back = await child(['backend']);
    children.push(back.proc);
    const backendUrl = back.value.url;

    const hubChild = await child(['hub', backendUrl]);
    children.push(hubChild.proc);
    const hubUrl = hubChild.value.url;
    const cookie = hubChild.value.cookie;

    const chpPort = 8930 + Math.floor(Math.random() * 50);
    const chp = spawn(
      process.execPath,
      [
        chpBin,
        '--ip',
        '127.0.0.1',
        '--port',
        String(chpPort),
        '--api-ip',
        '127.0.0.1',
        '--api-port',
        String(chpPort + 1),
        '--log-level',
        'error'
      ],
      {
        stdio: 'ignore',
        env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: 'bench-token' }
      }
    );
    children.push(chp);
    await waitFor(`http://127.0.0.1:${chpPort + 1}/api/routes`);
    const route = await fetch(
      `http://127.0.0.1:${chpPort + 1}/api/routes/user/bench`,
      {
        method: 'POST',
        headers: { Authorization: 'token bench-token' },
        body: JSON.stringify({ target: backendUrl })
      }
    );
    if (route.status !== 201) {
      throw new Error(
        `configurable-http-proxy refused the route: ${route.status}`
      );
    }

    const path_ = '/user/bench/api/kernels';
    const targets = {
      direct: {
        http: `${backendUrl}${path_}`,
        ws: backendUrl.replace('http', 'ws') + path_,
        headers: {}
      },
      'configurable-http-proxy': {
        http: `http://127.0.0.1:${chpPort}${path_}`,
        ws: `ws://127.0.0.1:${chpPort}${path_}`,
        headers: {}
      },
      'ltilab hub': {
        http: `${hubUrl}${path_}`,
        ws: hubUrl.replace('http', 'ws') + path_,
        headers: { Cookie: cookie, Origin: hubUrl }
      }
    };
    const rounds = Object.fromEntries(
      Object.keys(targets).map(name => [
        name,
        { rps: [], p50: [], p99: [], ws: [] }
      ])
    );
    for (let round = 0; round < 3; round++) {
      for (const [name, t] of Object.entries(targets)) {
        const http = wsOnly
          ? { rps: NaN, p50: NaN, p99: NaN }
          : wrk(t.http, t.headers);
        const ws = (await child(['ws', t.ws, JSON.stringify(t.headers)])).value;
        for (const key of ['rps', 'p50', 'p99']) {
          rounds[name][key].push(http[key]);
        }
        rounds[name].ws.push(ws.messagesPerSecond);
      }
    }
    const median = values => [...values].sort((x, y) => x - y)[1];
    const results = {};
    for (const [name, r] of Object.entries(rounds)) {
      results[name] = {
        rps: median(r.rps),
        p50: median(r.p50),
        p99: median(r.p99),
        ws: median(r.ws)
      };
    }
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `${name.padEnd(24)} ${r.rps.toFixed(0).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  ` +
          `p99 ${r.p99.toFixed(2)} ms  ws ${r.ws.toFixed(0).padStart(7)} msg/s ` +
          `(rounds: ${rounds[name].rps.map(v => v.toFixed(0)).join(', ')} req/s; ` +
          `${rounds[name].ws.map(v => v.toFixed(0)).join(', ')} msg/s)`
      );
    }
    const hubR = results['ltilab hub'];
    const chpR = results['configurable-http-proxy'];
    const direct = results.direct;
    console.log(
      `ltilab hub vs configurable-http-proxy: ${(hubR.rps / chpR.rps).toFixed(2)}x req/s, ` +
        `p99 ${(hubR.p99 / chpR.p99).toFixed(2)}x, ws ${(hubR.ws / chpR.ws).toFixed(2)}x; ` +
        `vs direct: ${((hubR.rps / direct.rps) * 100).toFixed(0)}% of req/s ` +
        `(configurable-http-proxy: ${((chpR.rps / direct.rps) * 100).toFixed(0)}%)`
    );
  } finally {
    for (const c of children) {
      c.kill('SIGTERM');
    }
  }
}

switch (mode) {
  case 'backend':
    await backend();
    break;
  case 'hub':
    await hub(process.argv[3]);
    break;
  case 'ws':
    await wsLoad(process.argv[3], process.argv[4]);
    break;
  default:
    await main();
    process.exit(0);
}
