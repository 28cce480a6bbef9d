// The remote scripts, run here by a local sh exactly as a host's shell would run them (the text
// toShell() sends), against a scratch directory standing in for /etc/tinc/NET.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toShell, type Command } from '../../admin/transport/command.js';
import {
  parsePings,
  parseProbe,
  pingCommand,
  probeCommand,
  pushCommand,
  pushInput,
  parseControlPid,
} from '../../admin/tinc/remote/commands.js';
import { sha256 } from '../../admin/tinc/plan.js';
import type { TincPaths } from '../../admin/tinc/remote/paths.js';

function run(c: Command, input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', toShell(c)], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function scratch(): Promise<TincPaths> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-tinc-unit-'));
  return {
    confDir: join(dir, 'etc-tinc-lab'),
    pidFile: join(dir, 'tinc.pid'),
    logFile: join(dir, 'tinc.log'),
  };
}

test('push writes atomically with modes, deletes, chmods; probe reads it all back', async () => {
  const p = await scratch();
  try {
    const input = pushInput([
      { op: 'w', path: 'tinc.conf', mode: 0o644, text: 'Name = cloud2\n' },
      { op: 'w', path: 'tinc-up', mode: 0o755, text: '#!/bin/sh\necho "it\'s $INTERFACE"\n' },
      { op: 'w', path: 'hosts/cloud2', mode: 0o644, text: 'Subnet = 10.1.2.1/32\n' },
      { op: 'w', path: 'hosts/cloud1', mode: 0o644, text: 'Subnet = 10.1.1.1/32\n' },
      { op: 'w', path: 'hosts/empty', mode: 0o644, text: '' },
    ]);
    assert.equal(run(pushCommand(p), input).code, 0);
    await writeFile(join(p.confDir, 'rsa_key.priv'), 'secret', { mode: 0o644 });
    await chmod(join(p.confDir, 'rsa_key.priv'), 0o644);
    assert.equal(
      run(
        pushCommand(p),
        pushInput([
          { op: 'd', path: 'hosts/empty' },
          { op: 'm', path: 'rsa_key.priv', mode: 0o600 },
        ]),
      ).code,
      0,
    );
    assert.equal((await stat(join(p.confDir, 'tinc-up'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(p.confDir, 'rsa_key.priv'))).mode & 0o777, 0o600);

    const probe = run(probeCommand(p, 'cloud2'));
    assert.equal(probe.code, 0, probe.stderr);
    const s = parseProbe(probe.stdout);
    assert.equal(s.pid, undefined);
    assert.equal(s.keyMode, '600');
    assert.equal(s.files.get('tinc-up')?.mode, '755');
    assert.equal(s.files.get('tinc-up')?.text, '#!/bin/sh\necho "it\'s $INTERFACE"\n');
    assert.equal(s.files.get('hosts/cloud2')?.text, 'Subnet = 10.1.2.1/32\n');
    assert.deepEqual([...s.hashes], [['hosts/cloud1', sha256('Subnet = 10.1.1.1/32\n')]]);
    assert.equal(s.files.has('tinc-down'), false);
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test("push refuses paths outside tinc's own files, and never writes the private key", async () => {
  const p = await scratch();
  try {
    for (const bad of [
      '../../etc/passwd',
      'hosts/../x',
      'hosts/a/b',
      'rsa_key.priv.pub',
      'hosts/',
    ]) {
      const r = run(pushCommand(p), pushInput([{ op: 'w', path: bad, mode: 0o644, text: 'x' }]));
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /refusing path/);
    }
    const key = run(
      pushCommand(p),
      pushInput([{ op: 'w', path: 'rsa_key.priv', mode: 0o600, text: 'x' }]),
    );
    assert.equal(key.code, 2);
    assert.match(key.stderr, /refusing to w the private key/);
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test('a pid file naming a process that is not tincd counts as not running', async () => {
  const p = await scratch();
  try {
    await mkdir(p.confDir, { recursive: true });
    await writeFile(p.pidFile, `${process.pid}\n`);
    assert.equal(parseProbe(run(probeCommand(p, 'cloud1')).stdout).pid, undefined);
    assert.equal(await readFile(p.pidFile, 'utf8'), `${process.pid}\n`); // probing changes nothing
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test('pings: one line per address, all in parallel (loopback only here)', () => {
  const r = run(pingCommand(['127.0.0.1', '127.0.0.2']));
  assert.equal(r.code, 0);
  assert.deepEqual([...parsePings(r.stdout)].sort(), [
    ['127.0.0.1', true],
    ['127.0.0.2', true],
  ]);
  assert.deepEqual(
    [...parsePings('ok 10.1.1.1\nfail 10.1.2.1\nnoise\n')],
    [
      ['10.1.1.1', true],
      ['10.1.2.1', false],
    ],
  );
});

test('control output: the pid line', () => {
  assert.equal(parseControlPid('pid 4242\n'), 4242);
  assert.equal(parseControlPid(''), undefined);
});
