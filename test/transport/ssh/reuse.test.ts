// One connection per host for many commands, the channel limit, and reconnecting.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cmd, shell } from '../../../admin/transport/command.js';
import { SshTransport } from '../../../admin/transport/ssh/transport.js';
import type { KnownHosts } from '../../../admin/transport/hostkeys/known-hosts/index.js';
import { startSshd, type TestSshd } from './sshd.js';

describe('ssh connection reuse', () => {
  let sshd: TestSshd;
  let policy: KnownHosts;

  before(async () => {
    sshd = await startSshd();
    // A chatty login shell: its rc-file output must never show up in a command's output.
    await writeFile(
      join(sshd.home, '.bashrc'),
      'echo "Welcome, rc noise"\necho "rc warning" >&2\nprintf "no newline noise"\n',
    );
    policy = await sshd.knownHosts();
  });
  after(async () => {
    await sshd?.stop();
  });

  for (const session of [true, false]) {
    it(`50 commands use one TCP connection (${session ? 'session' : 'exec'} path)`, async () => {
      const t = new SshTransport('testhost', sshd.target(), { hostKeyPolicy: policy, session });
      try {
        const logins0 = await sshd.logins();
        for (let i = 0; i < 50; i++) {
          const r = await t.run(shell(`echo ${i}; echo e${i} >&2`));
          assert.equal(r.stdout, `${i}\n`); // no rc-file noise from the login shell
          assert.equal(r.stderr, `e${i}\n`);
        }
        assert.equal(await sshd.logins(), logins0 + 1);
        assert.equal(t.stats.connects, 1);
      } finally {
        await t.close();
      }
    });
  }

  it('more than 8 parallel commands on one host all complete (channel limit below MaxSessions)', async () => {
    const t = new SshTransport('testhost', sshd.target(), { hostKeyPolicy: policy });
    try {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => t.run(shell(`sleep 0.2; echo ${i}`))),
      );
      const ms = Date.now() - started;
      results.forEach((r, i) => {
        assert.equal(r.ok, true, r.failure?.message);
        assert.equal(r.stdout, `${i}\n`);
      });
      // 8 slots (the session holds one) for 30 commands: at least 4 waves of 0.2 s.
      assert.ok(ms >= 800, `ran too wide: ${ms} ms`);
      console.log(`# 30 × sleep 0.2 on one connection: ${ms} ms`);
    } finally {
      await t.close();
    }
  });

  it('channelsPerConnection narrows the limit', async () => {
    const t = new SshTransport('testhost', sshd.target(), {
      hostKeyPolicy: policy,
      channelsPerConnection: 2,
    });
    try {
      await t.warm();
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 6 }, () => t.run(shell('sleep 0.2'))));
      assert.ok(results.every((r) => r.ok));
      assert.ok(Date.now() - started >= 600, 'expected 3 waves of 2');
    } finally {
      await t.close();
    }
  });

  it('a command whose deadline passes while queued for a channel never starts', async () => {
    const t = new SshTransport('testhost', sshd.target(), {
      hostKeyPolicy: policy,
      channelsPerConnection: 1,
      session: false,
    });
    try {
      await t.warm();
      const busy = t.run(shell('sleep 1'));
      const queued = await t.run(shell('touch /tmp/salvo-queued-marker'), { timeoutMs: 200 });
      assert.equal(queued.failure?.kind, 'timeout');
      assert.ok(queued.durationMs < 600, `${queued.durationMs} ms`);
      assert.equal((await busy).ok, true);
      assert.equal(t.stats.execRuns, 1, 'the queued command must not have run');
    } finally {
      await t.close();
    }
  });

  it('reconnects on the next run after sshd restarts', async () => {
    const t = new SshTransport('testhost', sshd.target(), { hostKeyPolicy: policy });
    try {
      assert.equal((await t.run(cmd('echo', 'one'))).stdout, 'one\n');
      await sshd.restart();
      const r = await t.run(cmd('echo', 'two'));
      assert.equal(r.ok, true, r.failure?.message);
      assert.equal(r.stdout, 'two\n');
      assert.equal(t.stats.connects, 2);
      assert.equal(t.stats.sessionStarts, 2);
    } finally {
      await t.close();
    }
  });

  it('a connection lost mid-command is reported as unreachable, and the next run reconnects', async () => {
    const t = new SshTransport('testhost', sshd.target(), { hostKeyPolicy: policy });
    try {
      await t.warm();
      const running = t.run(shell('sleep 5'));
      await new Promise((r) => setTimeout(r, 300));
      await sshd.restart();
      const r = await running;
      assert.equal(r.failure?.kind, 'unreachable');
      assert.match(r.failure?.message ?? '', /closed before the command finished/);
      assert.equal((await t.run(cmd('true'))).ok, true);
    } finally {
      await t.close();
    }
  });
});
