// The daemon scripts run here, under this machine's sh, on the lab's HTTP stand-in bound to
// 127.0.0.1 (no lab needed): start detaches and proves it listens, start twice is a no-op, stop
// escalates TERM → KILL, the stand-in finishes or cuts requests in flight on TERM (--on-term), a
// pid file naming another program is never signalled, a port held by another process fails a
// start at once with the holder named.
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { script } from '../../admin/services/daemon/daemon.js';
import { START, STATUS, STOP, SCAN } from '../../admin/services/daemon/scripts.js';
import { parseUnitStatus } from '../../admin/probes/unit-status.js';
import { parseScan } from '../../admin/probes/scan.js';
import { assertRefusedAtOnce, run, sh, squatter } from './script-helpers.js';
import { freePorts } from '../support/ports.js';

const APP = fileURLToPath(new URL('../../admin/lab/standins/app.js', import.meta.url));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/State:\s+Z/.test(
      spawnSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' }).stdout,
    );
  } catch {
    return false;
  }
};

async function withDir(
  work: (d: { pidf: string; log: string; dir: string }) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-daemon-'));
  const pidf = join(dir, 'pids/hub.0.pid');
  try {
    await work({ pidf, log: join(dir, 'logs/hub.0.log'), dir });
  } finally {
    sh(script(STOP, pidf, 1, 'KILL')); // by the recorded pid only
    await rm(dir, { recursive: true, force: true });
  }
}

const argv = (p: number, ...extra: string[]): string[] => [
  process.execPath,
  APP,
  '--kind',
  'hub',
  '--id',
  'hub#0@t',
  '--port',
  String(p),
  '--host',
  '127.0.0.1',
  '--version',
  '1.2',
  ...extra,
];
const status = (pidf: string, log: string, p: number) =>
  parseUnitStatus(
    sh(script(STATUS, pidf, log, p, `http://127.0.0.1:${p}/alive`, `http://127.0.0.1:${p}/version`))
      .out,
  );

test('start detaches and waits until it listens; start again is a no-op; stop by TERM', async () => {
  await withDir(async ({ pidf, log, dir }) => {
    const p = await freePorts();
    const first = sh(script(START, pidf, log, p, 10, '1.2', ...argv(p)));
    assert.equal(first.code, 0, first.out);
    const pid = Number(await readFile(pidf, 'utf8'));
    assert.match(first.out, new RegExp(`^started \\(pid ${pid}\\)`));
    const h = status(pidf, log, p);
    assert.deepEqual(h, { state: 'running', pid, uptimeSec: h.uptimeSec, version: '1.2' });
    assert.ok(h.uptimeSec! < 30);
    assert.equal(
      sh(script(START, pidf, log, p, 10, '1.2', ...argv(p))).out.trim(),
      `already running (pid ${pid})`,
    );
    assert.deepEqual(parseScan(sh(script(SCAN, dir)).out), [
      { service: 'hub', instance: 0, pid, alive: true, version: '1.2' },
    ]);
    const stop = sh(script(STOP, pidf, 5, 'TERM'));
    assert.equal(stop.out.trim(), `stopped (pid ${pid}, TERM)`);
    assert.ok(!alive(pid));
    assert.match(
      await readFile(log, 'utf8'),
      /SIGTERM: no new connections; finishing 0 request\(s\) in flight\n.*stopped\n$/,
    );
    assert.deepEqual(status(pidf, log, p), { state: 'stopped', detail: 'no pid file' });
    assert.equal(sh(script(STOP, pidf, 5, 'TERM')).out.trim(), 'not running (no pid file)');
  });
});

test('on TERM the stand-in finishes requests in flight; with --on-term exit (as SMC hubs) it cuts them', async () => {
  for (const mode of ['finish', 'exit']) {
    await withDir(async ({ pidf, log }) => {
      const p = await freePorts();
      assert.equal(
        sh(script(START, pidf, log, p, 10, '1.2', ...argv(p, '--on-term', mode))).code,
        0,
      );
      const slow = fetch(`http://127.0.0.1:${p}/slow?ms=1500`).then(
        (r) => `HTTP ${r.status}`,
        (e: Error) => `failed: ${e.message}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      // sh would block this process's event loop, and with it the request above.
      const stop = (await run(script(STOP, pidf, 5, 'TERM'))).out;
      assert.match(stop, /^stopped \(pid \d+, TERM\)/);
      const text = await readFile(log, 'utf8');
      if (mode === 'finish') {
        assert.equal(await slow, 'HTTP 200');
        assert.match(text, /SIGTERM: no new connections; finishing 1 request\(s\) in flight/);
      } else {
        assert.equal(await slow, 'failed: fetch failed');
        assert.match(
          text,
          /SIGTERM: exiting at once \(--on-term exit\), cutting 1 request\(s\) in flight\n$/,
        );
      }
    });
  }
});

test('a process that ignores TERM is KILLed after the timeout', async () => {
  await withDir(async ({ pidf, log }) => {
    const p = await freePorts();
    assert.equal(sh(script(START, pidf, log, p, 10, '1.2', ...argv(p, '--ignore-term'))).code, 0);
    const pid = Number(await readFile(pidf, 'utf8'));
    const started = Date.now();
    const stop = sh(script(STOP, pidf, 1, 'TERM'));
    assert.equal(stop.out.trim(), `stopped (pid ${pid}, TERM ignored for 1s, then KILL)`);
    assert.ok(Date.now() - started >= 900, 'TERM was given its time');
    assert.ok(!alive(pid));
    assert.match(await readFile(log, 'utf8'), /SIGTERM: ignored/);
  });
});

test('bad port: start fails with the log of that start; status says stopped with the tail', async () => {
  await withDir(async ({ pidf, log }) => {
    const r = sh(script(START, pidf, log, 5999, 10, '1.2', ...argv(99999)));
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /^exited during start-up \(pid \d+\)\nlast lines of .*hub\.0\.log:\n.* salvo: starting .*\n.*fatal: bad port "99999": expected 1\.\.65535\n$/,
    );
    const h = status(pidf, log, 5999);
    assert.equal(h.state, 'stopped');
    assert.match(h.logTail!, /bad port/);
  });
});

test('a pid file naming another program is stale: that process is never signalled', async () => {
  await withDir(async ({ pidf, log }) => {
    const p = await freePorts();
    assert.equal(sh(script(START, pidf, log, p, 10, '1.2', ...argv(p))).code, 0);
    sh(script(STOP, pidf, 5, 'TERM'));
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeFile(pidf, `${bystander.pid}\n`); // a recycled pid, as after a reboot
      assert.match(
        sh(script(STOP, pidf, 1, 'TERM')).out,
        /^not running \(stale pid file: pid \d+ is gone or runs another program\)/,
      );
      assert.ok(alive(bystander.pid!), 'the other program still runs');
      await writeFile(pidf, `${bystander.pid}\n`);
      assert.equal(
        status(pidf, log, p).detail,
        `pid ${bystander.pid} runs another program (stale pid file)`,
      );
    } finally {
      bystander.kill();
    }
  });
});

/** A process that holds `p` (listening on 127.0.0.1), once it does. */
test('a port held by another process: start refuses at once, names the holder, starts nothing', async () => {
  await withDir(async ({ pidf, log }) => {
    const p = await freePorts();
    const squat = await squatter(p);
    try {
      // `sleep` never listens: the old check (anything listens on the port) called it started.
      for (const program of [['sleep', '30'], argv(p)]) {
        assertRefusedAtOnce(
          () => sh(script(START, pidf, log, p, 10, '1.2', ...program)),
          p,
          squat,
          pidf,
          'unit',
        );
      }
      const h = status(pidf, log, p);
      assert.equal(h.state, 'stopped');
      assert.match(
        h.detail!,
        new RegExp(`^no pid file; port ${p} is held by pid ${squat.pid} \\(`),
      );
    } finally {
      squat.kill();
    }
  });
});

test('a port taken while the unit starts: start fails then, naming the holder, not at the deadline', async () => {
  await withDir(async ({ pidf, log }) => {
    const p = await freePorts();
    const squat = await squatter(p, 1000);
    try {
      const started = Date.now();
      const r = sh(script(START, pidf, log, p, 20, '1.2', 'sleep', '30'));
      assert.equal(r.code, 1, r.out);
      const pid = Number(await readFile(pidf, 'utf8'));
      assert.match(
        r.out,
        new RegExp(`^port ${p} was taken by pid ${squat.pid} \\(.*\\) while pid ${pid} started\n`),
      );
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
      const h = status(pidf, log, p);
      assert.equal(h.state, 'unhealthy', 'the unit runs, but the port is not its own');
      assert.match(
        h.detail!,
        new RegExp(`^port ${p} is held by pid ${squat.pid} \\(.*\\), not by pid ${pid}$`),
      );
    } finally {
      squat.kill();
    }
  });
});
