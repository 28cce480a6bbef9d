// The alias lab (admin/lab/aliases): many SSH endpoints on one sshd in one namespace. Every host
// answers as itself across the 250-address block boundary, through salvo and through OpenSSH
// with the lab's files, in a home of their own, and `down` leaves no namespace, process or
// directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  aliasAddress,
  aliasLabDown,
  aliasLabUp,
  inAliasLab,
} from '../../admin/lab/aliases/index.js';

const isRoot = process.getuid?.() === 0;
const SALVO = resolve('bin/salvo');

test('aliasAddress: 250 hosts per 127.0.B.0/24 block', () => {
  assert.equal(aliasAddress(1), '127.0.1.1');
  assert.equal(aliasAddress(250), '127.0.1.250');
  assert.equal(aliasAddress(251), '127.0.2.1');
  assert.equal(aliasAddress(1000), '127.0.4.250');
});

test('an alias lab of 30 hosts: each answers as itself; down leaves nothing', {
  skip: !isRoot && 'needs root (a network namespace)',
  timeout: 180_000,
}, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'salvo-alias-test-')), 'lab');
  const lab = await aliasLabUp({ hosts: 30, dir });
  try {
    const [cmd, ...args] = inAliasLab(lab, [
      process.execPath,
      SALVO,
      '-s',
      lab.servicesFile,
      'exec',
      '--json',
      '@all',
      '--',
      'echo "$SALVO_LAB_HOST"',
    ]);
    const r = spawnSync(cmd!, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { host: string; ok: boolean; stdout: string });
    assert.equal(rows.length, 30);
    for (const row of rows) {
      assert.equal(row.stdout, `${row.host}\n`, `${row.host} answered as another`);
    }
    const ssh = execFileSync(
      inAliasLab(lab, ['ssh'])[0]!,
      inAliasLab(lab, ['ssh', '-F', lab.sshConfigFile, '127.0.1.30', 'echo $SALVO_LAB_HOST']).slice(
        1,
      ),
      { encoding: 'utf8' },
    );
    assert.equal(ssh, 'cloud30\n');
    // Sessions run in a home of their own: root's bash sources ~/.bashrc for every ssh command,
    // and this machine's runs pyenv, whose rehash lock queued hundreds of sessions at once.
    const home = execFileSync(
      inAliasLab(lab, ['ssh'])[0]!,
      inAliasLab(lab, ['ssh', '-F', lab.sshConfigFile, '127.0.1.2', 'ls -A ~']).slice(1),
      { encoding: 'utf8' },
    );
    assert.equal(home, '.profile\n');
  } finally {
    await aliasLabDown(dir);
  }
  assert.equal(existsSync(dir), false);
  const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  assert.doesNotMatch(left, new RegExp(lab.netns));
  assert.throws(() => process.kill(lab.sshdPid, 0), 'the sshd is gone');
});
