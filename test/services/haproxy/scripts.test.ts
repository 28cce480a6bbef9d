// haproxy's start script with the real haproxy binary on 127.0.0.1 (no lab needed): it starts
// and proves the listening socket is its own, reloads seamlessly to a new pid, and refuses at
// once, naming the holder, when another process holds its port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { script } from '../../../admin/services/daemon/daemon.js';
import { STOP } from '../../../admin/services/daemon/scripts.js';
import { HAPROXY_UP } from '../../../admin/services/haproxy/scripts.js';
import { assertRefusedAtOnce, sh, squatter } from '../script-helpers.js';
import { freePorts } from '../../support/ports.js';

const HAPROXY = spawnSync('sh', ['-c', 'command -v haproxy']).stdout.toString().trim();

const config = (p: number, sock: string): string => `global
  stats socket ${sock} mode 600 level admin expose-fd listeners
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${p}
  http-request return status 200 content-type text/plain string ok
`;

interface Setup {
  dir: string;
  pidf: string;
  log: string;
  sock: string;
  cfg: string;
  p: number;
}

async function withHaproxy(work: (s: Setup) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-haproxy-'));
  const s = {
    dir,
    pidf: join(dir, 'haproxy.pid'),
    log: join(dir, 'haproxy.log'),
    sock: join(dir, 'admin.sock'),
    cfg: join(dir, 'haproxy.cfg'),
    p: await freePorts(),
  };
  await writeFile(s.cfg, config(s.p, s.sock));
  try {
    await work(s);
  } finally {
    sh(script(STOP, s.pidf, 2, 'KILL')); // by the recorded pid only
    await rm(dir, { recursive: true, force: true });
  }
}

const up = (s: Setup, mode: 'start' | 'reload'): { code: number | null; out: string } =>
  sh(
    script(
      HAPROXY_UP,
      s.pidf,
      s.log,
      10,
      s.p,
      s.sock,
      mode,
      HAPROXY,
      '-D',
      '-f',
      s.cfg,
      '-p',
      s.pidf,
    ),
  );

test('haproxy: start proves its own socket, start again is a no-op, reload moves to a new pid', {
  skip: !HAPROXY && 'haproxy is not installed',
}, async () => {
  await withHaproxy(async (s) => {
    const first = up(s, 'start');
    assert.equal(first.code, 0, first.out);
    const pid = Number((await readFile(s.pidf, 'utf8')).trim());
    assert.match(first.out, new RegExp(`^started \\(pid ${pid}\\)$`, 'm'));
    assert.equal(up(s, 'start').out.trim(), `already running (pid ${pid})`);
    const reload = up(s, 'reload');
    assert.equal(reload.code, 0, reload.out);
    const next = Number((await readFile(s.pidf, 'utf8')).trim());
    assert.notEqual(next, pid);
    assert.match(reload.out, new RegExp(`^reloaded \\(pid ${pid} → ${next}\\)$`, 'm'));
  });
});

test('haproxy: a port held by another process fails the start at once, naming it; nothing starts', {
  skip: !HAPROXY && 'haproxy is not installed',
}, async () => {
  await withHaproxy(async (s) => {
    const squat = await squatter(s.p);
    try {
      assertRefusedAtOnce(() => up(s, 'start'), s.p, squat, s.pidf, 'haproxy');
    } finally {
      squat.kill();
    }
  });
});
