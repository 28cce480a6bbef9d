// TransportPool: one transport (one connection) per host, localhost local, shared jump hosts.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cmd } from '../../admin/transport/command.js';
import { KnownHosts } from '../../admin/transport/hostkeys/known-hosts/index.js';
import { LocalTransport } from '../../admin/transport/local-transport.js';
import { TransportPool } from '../../admin/transport/pool.js';
import { SshTransport } from '../../admin/transport/ssh/transport.js';
import { startSshd, type TestSshd } from './ssh/sshd.js';

describe('transport pool', () => {
  let sshd: TestSshd;
  let policy: KnownHosts;

  before(async () => {
    sshd = await startSshd();
    // Every test host name maps to this one sshd; the key is recorded for its address.
    const file = join(sshd.dir, 'known_hosts_pool');
    const key = `ssh-ed25519 ${sshd.hostKeyBlob.toString('base64')}`;
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${key}\n`);
    policy = await KnownHosts.load([file]);
  });
  after(async () => {
    await sshd?.stop();
  });

  it('gives one transport per name, local for localhost, and connects lazily', async () => {
    const resolved: string[] = [];
    const pool = new TransportPool({
      resolveTarget: async (name) => {
        resolved.push(name);
        return sshd.target({ name });
      },
      hostKeyPolicy: policy,
    });
    try {
      assert.equal(pool.get('cloud1'), pool.get('cloud1'));
      assert.ok(pool.get('cloud1') instanceof SshTransport);
      assert.ok(pool.get('localhost') instanceof LocalTransport);
      assert.deepEqual(resolved, [], 'nothing resolved or connected before the first run');
      const r = await pool.get('cloud1').run(cmd('echo', 'hi'));
      assert.equal(r.stdout, 'hi\n');
      assert.equal(r.host, 'cloud1');
      assert.equal((await pool.get('localhost').run(cmd('echo', 'local'))).stdout, 'local\n');
      assert.deepEqual(resolved, ['cloud1']);
    } finally {
      await pool.closeAll();
    }
  });

  it('keeps one connection per host across many runs', async () => {
    const pool = new TransportPool({
      resolveTarget: async (name) => sshd.target({ name }),
      hostKeyPolicy: policy,
    });
    try {
      const logins0 = await sshd.logins();
      const hosts = ['h1', 'h2', 'h3', 'h4', 'h5'];
      for (let round = 0; round < 4; round++) {
        const results = await Promise.all(hosts.map((h) => pool.get(h).run(cmd('true'))));
        assert.ok(results.every((r) => r.ok));
      }
      assert.equal(await sshd.logins(), logins0 + hosts.length);
    } finally {
      await pool.closeAll();
    }
  });

  it('40 hosts in parallel all report exit statuses, on both paths', async () => {
    // Regression: under load ssh2 delivers the exec reply and the exit status in one read; a
    // listener attached after an await missed 'exit' and every result said "connection closed".
    for (const session of [false, true]) {
      const pool = new TransportPool({
        resolveTarget: async (name) => sshd.target({ name }),
        hostKeyPolicy: policy,
        session,
      });
      try {
        const hosts = Array.from({ length: 40 }, (_, i) => `p${i}`);
        for (let round = 0; round < 2; round++) {
          const results = await Promise.all(
            hosts.map((h, i) => pool.get(h).run(cmd('sh', '-c', `echo ${h}; exit ${i % 3}`))),
          );
          results.forEach((r, i) => {
            assert.equal(r.exitCode, i % 3, `${r.host}: ${r.failure?.message}`);
            assert.equal(r.stdout, `${r.host}\n`);
          });
        }
      } finally {
        await pool.closeAll();
      }
    }
  });

  it('shares one connection to a jump host among the hosts behind it', async () => {
    const pool = new TransportPool({
      resolveTarget: async (name) =>
        sshd.target({ name, proxyJump: sshd.target({ name: 'bastion' }) }),
      hostKeyPolicy: policy,
    });
    try {
      const logins0 = await sshd.logins();
      const results = await Promise.all(
        ['j1', 'j2', 'j3'].map((h) => pool.get(h).run(cmd('true'))),
      );
      assert.ok(
        results.every((r) => r.ok),
        results.map((r) => r.failure?.message).join(),
      );
      assert.equal(await sshd.logins(), logins0 + 4, 'three targets + one shared bastion');
    } finally {
      await pool.closeAll();
    }
  });

  it('passes a target resolution error through (a config problem, not a host failure)', async () => {
    const pool = new TransportPool({
      resolveTarget: async () => {
        throw new Error('no such host in services.yaml');
      },
      hostKeyPolicy: policy,
    });
    await assert.rejects(pool.get('ghost').run(cmd('true')), /no such host/);
    await pool.closeAll();
  });
});
