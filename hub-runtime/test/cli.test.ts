/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parseCli } from '../src/cli.js';
import { isAlive } from '../src/index.js';

import { formEncode, tempDir } from './helpers.js';
import { send } from './hub-helpers.js';
import { FAKE_JUPYTER, PACKAGE } from './spawn-helpers.js';

const CLI = join(PACKAGE, 'lib', 'src', 'cli.js');

interface IHubProcess {
  child: ChildProcess;
  port: number;
  lines: string[];
  exited: Promise<number | null>;
}

/**
 * Start `ltilab-hub` and wait for its `hub.listening` line.
 */
function runHub(args: string[]): Promise<IHubProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const lines: string[] = [];
    const exited = new Promise<number | null>(r =>
      child.on('exit', code => r(code))
    );
    let buffer = '';
    child.stderr!.on('data', chunk => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.event === 'hub.listening') {
            resolve({ child, port: entry.port, lines, exited });
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then(code =>
      reject(new Error(`hub exited (${code}): ${lines.join('\n')}`))
    );
  });
}

async function stopHub(hub: IHubProcess): Promise<number | null> {
  hub.child.kill('SIGTERM');
  return hub.exited;
}

function events(hub: IHubProcess): Record<string, any>[] {
  return hub.lines.flatMap(l => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/**
 * What the demo page would make the browser do: ask the hub to sign a
 * launch, then post the signed form to /hub/lti/launch.
 */
async function demoLaunch(
  port: number,
  form: Record<string, string>
): Promise<{ location: string; cookie: string }> {
  const signed = await send(port, {
    method: 'POST',
    path: '/hub/demo/launch',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formEncode(Object.entries(form))
  });
  assert.equal(signed.status, 200, signed.text);
  assert.match(signed.text, /<form method="post" action="\/hub\/lti\/launch">/);
  const fields = [
    ...signed.text.matchAll(
      /<input type="hidden" name="([^"]*)" value="([^"]*)">/g
    )
  ].map(m => [unescape(m[1]!), unescape(m[2]!)] as [string, string]);
  assert.ok(fields.some(([k]) => k === 'oauth_signature'));
  const launched = await send(port, {
    method: 'POST',
    path: '/hub/lti/launch',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formEncode(fields)
  });
  assert.equal(launched.status, 302, launched.text);
  return {
    location: String(launched.headers.location),
    cookie: String(launched.headers['set-cookie']).split(';')[0]!
  };
}

function unescape(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('ltilab-hub command', () => {
  const dir = tempDir();
  const reports = join(dir.path, 'reports');
  const config = join(dir.path, 'hub.yaml');
  const stopConfig = join(dir.path, 'hub-stop.yaml');
  const pids: number[] = [];

  before(() => {
    mkdirSync(reports);
    const yaml = (onShutdown: string): string => `
dataDir: ./data
spawner:
  jupyter: ${FAKE_JUPYTER}
  onShutdown: ${onShutdown}
  env:
    FAKE_JUPYTER_REPORT: ${reports}
log:
  level: debug
`;
    writeFileSync(config, yaml('leave'));
    writeFileSync(stopConfig, yaml('stop'));
  });

  after(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    dir.remove();
  });

  it('prints help, and refuses unknown options and bad configs', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], {
      encoding: 'utf8'
    });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: ltilab-hub/);
    const unknown = spawnSync(process.execPath, [CLI, '--secret', 'x'], {
      encoding: 'utf8'
    });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--secret'/);
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(
      bad,
      'lti:\n  consumers:\n    - key: moodle\n      secret: plain\n'
    );
    const refused = spawnSync(process.execPath, [CLI, '--config', bad], {
      encoding: 'utf8'
    });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /secrets are not written in the config file/);
    assert.deepEqual(parseCli(['-c', 'x.yaml', '--demo', '--port', '0']), {
      config: 'x.yaml',
      demo: true,
      host: null,
      port: 0,
      dataDir: null,
      jupyter: null,
      help: false,
      version: false
    });
    assert.throws(() => parseCli(['--port', 'http']), /--port/);
  });

  it('demo mode: the consumer page launches a student and a teacher end to end; SIGTERM leaves their servers', async () => {
    const hub = await runHub(['--config', config, '--port', '0', '--demo']);
    try {
      const page = await send(hub.port, { path: '/hub/demo' });
      assert.equal(page.status, 200);
      assert.match(page.text, /name="custom"/);
      assert.equal(
        (await send(hub.port, { path: '/' })).headers.location,
        '/hub/demo'
      );

      const student = await demoLaunch(hub.port, {
        role: 'student',
        username: 'Student',
        user_id: '3',
        custom: 'lms_course=Demo course\nlms_sub_homework=Submit\nlms_users=*'
      });
      assert.equal(student.location, '/user/student/lab');
      const status = await send(hub.port, {
        path: '/user/student/api/status',
        headers: { cookie: student.cookie }
      });
      assert.equal(status.status, 200, status.text);
      assert.ok(JSON.parse(status.text).started);

      const teacher = await demoLaunch(hub.port, {
        role: 'teacher',
        username: 'teacher',
        user_id: '2',
        custom: 'lms_course=Demo course'
      });
      assert.equal(teacher.location, '/user/teacher/lab');
      const refused = await send(hub.port, {
        path: '/user/student/api/status',
        headers: { cookie: teacher.cookie }
      });
      assert.equal(refused.status, 403);
      await send(hub.port, {
        path: '/user/teacher/api/status',
        headers: { cookie: teacher.cookie }
      });
      const s = JSON.parse(readFileSync(join(reports, 'student.json'), 'utf8'));
      const t = JSON.parse(readFileSync(join(reports, 'teacher.json'), 'utf8'));
      pids.push(s.pid, t.pid);
      assert.equal(s.env.NB_TEACHER, '');
      assert.equal(s.env.LTI_COURSE, 'Demo course');
      assert.match(s.env.NB_SUBMITS, /:Submit$/);
      assert.equal(t.env.NB_TEACHER, 'teacher');

      assert.equal(await stopHub(hub), 0);
      const stopped = events(hub).find(e => e.event === 'hub.stopped');
      assert.equal(stopped?.servers, 'left');
      assert.ok(isAlive(s.pid) && isAlive(t.pid), 'servers were left running');
      assert.ok(
        !hub.lines.join('\n').includes(s.env.JUPYTER_TOKEN),
        'no server token in logs'
      );

      // A restart adopts them: the student's session and server survive.
      const again = await runHub(['--config', config, '--port', '0']);
      try {
        const adopted = events(again).find(e => e.event === 'hub.adopted');
        assert.deepEqual(adopted?.adopted, ['student', 'teacher']);
        const survived = await send(again.port, {
          path: '/user/student/api/status',
          headers: { cookie: student.cookie }
        });
        assert.equal(survived.status, 200);
        // Outside demo mode the consumer page does not exist.
        assert.equal(
          (await send(again.port, { path: '/hub/demo' })).status,
          404
        );
        assert.equal((await send(again.port, { path: '/' })).status, 404);
        assert.equal(
          (
            await send(again.port, {
              method: 'POST',
              path: '/hub/demo/launch',
              body: 'role=teacher'
            })
          ).status,
          404
        );
      } finally {
        assert.equal(await stopHub(again), 0);
      }

      // With onShutdown: stop, SIGTERM stops what the hub adopted.
      const stopping = await runHub(['--config', stopConfig, '--port', '0']);
      assert.equal(await stopHub(stopping), 0);
      assert.equal(
        events(stopping).find(e => e.event === 'hub.stopped')?.servers,
        'stopped'
      );
      assert.ok(!isAlive(s.pid) && !isAlive(t.pid), 'servers were stopped');
    } finally {
      if (hub.child.exitCode === null) {
        hub.child.kill('SIGKILL');
      }
    }
  });
});
