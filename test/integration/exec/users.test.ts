// -l USER, --sudo [USER] and their errors on a real lab. The test makes two throwaway accounts on
// this machine (the lab hosts share its /etc/passwd): one with passwordless sudo, one whose sudo
// wants a password; both and their sudoers file are removed at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { withLab, isRoot } from '../lab-fixture.js';

const BIN = resolve('bin/salvo');
const hasSudo = existsSync('/usr/bin/sudo');

async function addUser(name: string, publicKey: string): Promise<void> {
  execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  const home = `/home/${name}`;
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
  await mkdir(join(home, '.ssh'), { mode: 0o700 });
  await writeFile(join(home, '.ssh', 'authorized_keys'), `${publicKey}\n`, { mode: 0o600 });
  await chown(join(home, '.ssh'), uid, gid);
  await chown(join(home, '.ssh', 'authorized_keys'), uid, gid);
  // A locked account (no password) can still log in with a key, unless sshd sees it as locked:
  // give it a password hash that matches nothing.
  execFileSync('usermod', ['-p', '*', name]);
}

test('users and sudo on a lab', {
  skip: (!isRoot && 'needs root') || (!hasSudo && 'needs sudo (.ci/setup installs it)'),
}, async (t) => {
  const tag = `s${process.pid % 100000}`;
  const op = `salvo-op-${tag}`; // NOPASSWD sudo
  const np = `salvo-np-${tag}`; // sudo with a password
  const sudoers = `/etc/sudoers.d/salvo-test-${tag}`;
  await withLab(2, async (lab) => {
    const publicKey = await readFile(`${lab.identityFile}.pub`, 'utf8');
    try {
      await addUser(op, publicKey.trim());
      await addUser(np, publicKey.trim());
      await writeFile(sudoers, `${op} ALL=(ALL) NOPASSWD: ALL\n${np} ALL=(ALL) ALL\n`);
      await chmod(sudoers, 0o440);

      await t.test('-l USER logs in as that user (over the services file user)', async () => {
        const dep = await Deployment.open(lab.servicesFile, { session: false, user: op });
        try {
          const r = await dep.exec('cloud[1-2]', 'id -un');
          assert.deepEqual(
            r.map((x) => x.stdout),
            [`${op}\n`, `${op}\n`],
            JSON.stringify(r),
          );
        } finally {
          await dep.close();
        }
      });

      await t.test('--sudo: root from a user; --sudo USER: a non-root user from root', async () => {
        const asOp = await Deployment.open(lab.servicesFile, { session: false, user: op });
        try {
          const r = await asOp.exec('cloud1', 'id -un', { sudo: true });
          assert.equal(r[0]?.stdout, 'root\n', JSON.stringify(r[0]));
        } finally {
          await asOp.close();
        }
        const asRoot = await Deployment.open(lab.servicesFile, { session: false });
        try {
          const r = await asRoot.exec('cloud[1-2]', 'id -un; echo "$HOME"', { sudo: op });
          assert.equal(r[0]?.stdout.split('\n')[0], op, JSON.stringify(r[0]));
          assert.ok(r.allOk);
        } finally {
          await asRoot.close();
        }
      });

      await t.test('--sudo USER, --sudo=USER, --sudo-user USER, bare --sudo from the CLI', () => {
        const cli = (...args: string[]) =>
          spawnSync(process.execPath, [BIN, '-s', lab.servicesFile, 'exec', ...args], {
            encoding: 'utf8',
            input: '',
          });
        for (const args of [
          ['--sudo', op, 'cloud[1-2]', '--', 'id -un'],
          [`--sudo=${op}`, 'cloud[1-2]', '--', 'id -un'],
          ['--sudo-user', op, 'cloud[1-2]', '--', 'id -un'],
          ['cloud[1-2]', '--sudo', op, '--', 'id -un'],
        ]) {
          const r = cli(...args);
          assert.equal(r.status, 0, r.stderr);
          assert.ok(
            r.stdout.includes(`cloud[1-2] (2) exit 0\n---------------\n${op}\n`),
            `${args.join(' ')}: ${r.stdout}`,
          );
        }
        // A bare --sudo right before the node set: the node set is not taken for a user.
        for (const args of [
          ['--sudo', 'cloud[1-2]', '--', 'id -un'],
          ['--sudo', 'cloud[1-2]', 'id -un'],
        ]) {
          const r = cli(...args);
          assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
          assert.ok(r.stdout.includes('cloud[1-2] (2) exit 0\n---------------\nroot\n'), r.stdout);
        }
        // The retry hint spells the user the unambiguous way.
        const failed = cli('--sudo', op, 'cloud1', '--', 'false');
        assert.equal(failed.status, 1);
        assert.match(
          failed.stderr,
          new RegExp(`retry: salvo -s \\S+ exec --sudo=${op} cloud1 -- false`),
        );
      });

      await t.test('a sudo that wants a password fails at once, saying so (CLI)', () => {
        const started = Date.now();
        const r = spawnSync(
          process.execPath,
          [BIN, '-s', lab.servicesFile, 'exec', '-l', np, '--sudo', 'cloud1', '--', 'id -un'],
          { encoding: 'utf8', input: '', timeout: 30_000 },
        );
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /salvo: sudo needs a password here and Salvo never types one/);
        assert.ok(Date.now() - started < 15_000);
        assert.match(
          r.stderr,
          new RegExp(`retry: salvo -s \\S+ exec -l ${np} --sudo cloud1 -- 'id -un'`),
        );
      });
    } finally {
      await rm(sudoers, { force: true });
      for (const u of [op, np]) {
        spawnSync('userdel', ['-r', u], { stdio: 'ignore' });
      }
    }
  });
});
