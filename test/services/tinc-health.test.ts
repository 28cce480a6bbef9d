// The tinc service's health probe runs here under sh: it finds a live tincd the same way
// `salvo tinc start|stop` do (the pid file names a live process whose command line is tincd's),
// so a stale pid file or one naming another program reads as stopped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTincStatus } from '../../admin/services/tinc.js';
import { healthCommand, tincPaths } from '../../admin/tinc/remote/index.js';
import { sh } from './script-helpers.js';

test('tinc health: no pid file, a pid file naming another program, a live tincd', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-tinc-health-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = { ...tincPaths('tnet'), pidFile: join(dir, 'tinc.tnet.pid') };
  const probe = () => {
    const r = sh(healthCommand(paths));
    assert.equal(r.code, 0, r.out);
    return parseTincStatus(r.out);
  };

  assert.deepEqual(probe(), { state: 'stopped', detail: 'no pid file' });

  writeFileSync(paths.pidFile, `${process.pid}\n`);
  assert.deepEqual(probe(), {
    state: 'stopped',
    detail: `pid ${process.pid} is not tincd (stale pid file)`,
  });

  // A process whose command line is tincd's (argv[0] "tincd"), as the control script checks.
  const fake = spawn('sleep', ['30'], { argv0: 'tincd', stdio: 'ignore' });
  t.after(() => fake.kill());
  writeFileSync(paths.pidFile, `${fake.pid}\n`);
  const h = probe();
  assert.equal(h.state, 'running');
  assert.equal(h.pid, fake.pid);
});
