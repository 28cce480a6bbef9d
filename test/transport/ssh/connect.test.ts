// Connecting: host key verdicts, auth, retries, agent, ProxyJump, against a real sshd.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { cmd } from '../../../admin/transport/command.js';
import { KnownHosts } from '../../../admin/transport/hostkeys/known-hosts/index.js';
import type { HostKeyPolicy } from '../../../admin/transport/hostkeys/verify.js';
import { HANDSHAKE_WINDOW } from '../../../admin/transport/ssh/connect.js';
import { SshTransport, type SshTransportOptions } from '../../../admin/transport/ssh/transport.js';
import type { SshTarget } from '../../../admin/transport/types.js';
import { startSshd, type TestSshd } from './sshd.js';

const run = promisify(execFile);

describe('ssh connect', () => {
  let sshd: TestSshd;
  let policy: KnownHosts;
  const open: SshTransport[] = [];

  const transport = (
    target: SshTarget,
    options: Partial<SshTransportOptions> = {},
  ): SshTransport => {
    const t = new SshTransport(target.name, target, {
      hostKeyPolicy: policy,
      agentSocket: '',
      ...options,
    });
    open.push(t);
    return t;
  };
  const connections = async (): Promise<number> =>
    ((await readFile(sshd.logFile, 'utf8')).match(/Connection from 127\.0\.0\.1/g) ?? []).length;

  before(async () => {
    sshd = await startSshd();
    policy = await sshd.knownHosts();
  });
  after(async () => {
    await Promise.all(open.map((t) => t.close()));
    await sshd?.stop();
  });

  it('connects with a known host key and an identity file', async () => {
    const r = await transport(sshd.target()).run(cmd('whoami'));
    assert.equal(r.stdout, 'root\n');
  });

  it('refuses an unknown host key (kind hostkey, reason unknown-host), once, before auth', async () => {
    const c0 = await connections();
    const logins0 = await sshd.logins();
    const empty = KnownHosts.fromEntries([]);
    const r = await transport(sshd.target(), { hostKeyPolicy: empty }).run(cmd('true'));
    assert.equal(r.ok, false);
    assert.equal(r.failure?.kind, 'hostkey');
    assert.match(
      r.failure?.message ?? '',
      /^testhost: host key for testhost \(127\.0\.0\.1:\d+\) is not known .*salvo hosts trust testhost/,
    );
    assert.equal(await connections(), c0 + 1, 'a host key refusal must not be retried');
    assert.equal(await sshd.logins(), logins0);
  });

  it('refuses a changed host key with the known-hosts message', async () => {
    const file = join(sshd.dir, 'known_hosts_changed');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshd.dir, 'other_key')]);
    const other = (await readFile(join(sshd.dir, 'other_key.pub'), 'utf8'))
      .split(' ')
      .slice(0, 2)
      .join(' ');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${other}\n`);
    const r = await transport(sshd.target(), { hostKeyPolicy: await KnownHosts.load([file]) }).run(
      cmd('true'),
    );
    assert.equal(r.failure?.kind, 'hostkey');
    assert.match(r.failure?.message ?? '', /HOST KEY CHANGED for testhost .*known_hosts_changed:1/);
  });

  it('fails closed when the policy itself throws', async () => {
    const broken: HostKeyPolicy = {
      check: () => {
        throw new Error('boom');
      },
    };
    const r = await transport(sshd.target(), { hostKeyPolicy: broken }).run(cmd('true'));
    assert.equal(r.failure?.kind, 'hostkey');
    assert.match(r.failure?.message ?? '', /could not be checked: boom/);
  });

  it('reports auth failure (kind auth) without retrying, naming what was offered', async () => {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshd.dir, 'stranger')]);
    const c0 = await connections();
    const r = await transport(sshd.target({ identityFiles: [join(sshd.dir, 'stranger')] })).run(
      cmd('true'),
    );
    assert.equal(r.failure?.kind, 'auth');
    assert.match(
      r.failure?.message ?? '',
      /authentication failed for root@127\.0\.0\.1:\d+ \(offered: key .*stranger\)/,
    );
    assert.equal(await connections(), c0 + 1);
  });

  it('skips an encrypted identity file with a note and uses the next one', async () => {
    const locked = join(sshd.dir, 'locked');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', locked]);
    const notes: string[] = [];
    const target = sshd.target({
      identityFiles: [locked, join(sshd.dir, 'missing'), sshd.clientKey],
    });
    const r = await transport(target, { onNote: (_h, n) => notes.push(n) }).run(cmd('true'));
    assert.equal(r.ok, true, r.failure?.message);
    // Skipped identities first (credentials load before connecting), then what the handshake negotiated.
    assert.deepEqual(notes.slice(0, 1), [
      `skipped identity ${locked}: it is encrypted; load it into ssh-agent instead`,
    ]);
    assert.equal(notes.length, 2, notes.join('\n'));
    assert.match(
      notes[1]!,
      /^root@127\.0\.0\.1:\d+: kex curve25519-sha256, host key ssh-ed25519, cipher aes128-gcm@openssh\.com$/,
    );
    const alone = await transport(sshd.target({ identityFiles: [locked] })).run(cmd('true'));
    assert.equal(alone.failure?.kind, 'auth');
    assert.match(alone.failure?.message ?? '', /offered: nothing\); skipped identity .*encrypted/);
  });

  it('authenticates through ssh-agent', async () => {
    const sock = join(sshd.dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        if (
          await run('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: sock } }).then(
            () => true,
            (e: { code?: number }) => e.code === 1,
          )
        ) {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      await run('ssh-add', [sshd.clientKey], { env: { SSH_AUTH_SOCK: sock } });
      const r = await transport(sshd.target({ identityFiles: [] }), { agentSocket: sock }).run(
        cmd('true'),
      );
      assert.equal(r.ok, true, r.failure?.message);
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('retries refused connections with jitter, then reports unreachable', async () => {
    const closedPort = await unusedPort();
    const started = Date.now();
    const r = await transport(sshd.target({ port: closedPort }), {
      retries: 2,
      retryDelayMs: [150, 150],
    }).run(cmd('true'));
    const ms = Date.now() - started;
    assert.equal(r.failure?.kind, 'unreachable');
    assert.match(r.failure?.message ?? '', /connection refused by 127\.0\.0\.1/);
    assert.ok(ms >= 300 && ms < 2000, `2 retries × 150 ms expected, took ${ms} ms`);
  });

  it('times out a silent server at connectTimeoutMs, retries counted inside it, as unreachable', async () => {
    const { server, port, accepted } = await silentServer();
    try {
      const started = Date.now();
      const r = await transport(sshd.target({ port, connectTimeoutMs: 300 }), {
        retries: 2,
        retryDelayMs: [10, 10],
      }).run(cmd('true'));
      const ms = Date.now() - started;
      assert.equal(r.failure?.kind, 'unreachable');
      assert.match(r.failure?.message ?? '', /no SSH handshake .* within \d+ ms/);
      // The whole connect is bounded by the timeout: no second attempt of another 300 ms.
      assert.equal(accepted(), 1);
      assert.ok(ms >= 290 && ms < 1500, `took ${ms} ms`);
    } finally {
      server.close();
    }
  });

  it('ConnectionAttempts 3: three attempts, each within ConnectTimeout, counted in the message', async () => {
    const { server, port, accepted } = await silentServer();
    try {
      const started = Date.now();
      const r = await transport(
        sshd.target({ port, connectTimeoutMs: 200, connectionAttempts: 3 }),
        { retryDelayMs: [10, 10] },
      ).run(cmd('true'));
      const ms = Date.now() - started;
      assert.equal(r.failure?.kind, 'unreachable');
      assert.match(r.failure?.message ?? '', /\(3 attempts within the connect timeout of 600 ms\)/);
      assert.equal(accepted(), 3);
      assert.ok(ms >= 550 && ms < 1500, `took ${ms} ms`);
    } finally {
      server.close();
    }
  });

  it('a run deadline shorter than the connect gives timeout, not a hang', async () => {
    const { server, port } = await silentServer();
    try {
      const r = await transport(sshd.target({ port, connectTimeoutMs: 5000 })).run(cmd('true'), {
        timeoutMs: 200,
      });
      assert.equal(r.failure?.kind, 'timeout');
      assert.ok(r.durationMs < 1000);
    } finally {
      server.close();
    }
  });

  it('connect_timeout covers TCP and the server speaking, not a key exchange slower than it', async () => {
    // The server's identification comes at once; every byte after it is held back 600 ms, as on a
    // fleet where hundreds of sshds do their key exchange at once. ssh's ConnectTimeout would not
    // fail this; neither may we.
    const { server, port } = await delayingProxy(sshd.port, 600);
    try {
      const file = join(sshd.dir, 'known_hosts_slow');
      await writeFile(
        file,
        `[127.0.0.1]:${port} ssh-ed25519 ${sshd.hostKeyBlob.toString('base64')}\n`,
      );
      const started = Date.now();
      const r = await transport(sshd.target({ port, connectTimeoutMs: 300 }), {
        hostKeyPolicy: await KnownHosts.load([file]),
      }).run(cmd('echo', 'slow'));
      assert.equal(r.ok, true, r.failure?.message);
      assert.equal(r.stdout, 'slow\n');
      assert.ok(Date.now() - started >= 600, 'the proxy did not hold the key exchange back');
      // A server that speaks and then stalls fails at the handshake bound, saying so.
      const stalled = await delayingProxy(sshd.port, 60_000);
      try {
        const t0 = Date.now();
        const r2 = await transport(sshd.target({ port: stalled.port, connectTimeoutMs: 300 }), {
          hostKeyPolicy: await KnownHosts.load([file]),
          handshakeTimeoutMs: 500,
          retries: 0,
        }).run(cmd('true'));
        assert.equal(r2.failure?.kind, 'unreachable');
        assert.match(
          r2.failure?.message ?? '',
          /root@127\.0\.0\.1:\d+ answered but its SSH handshake did not finish in time/,
        );
        const ms = Date.now() - t0;
        assert.ok(ms >= 450 && ms < 3000, `took ${ms} ms`);
      } finally {
        stalled.server.close();
      }
    } finally {
      server.close();
    }
  });

  it('at most HANDSHAKE_WINDOW direct handshakes at once; a later one gets its connect timeout from its turn', async () => {
    const { server, port, acceptedAt } = await silentServer();
    try {
      const n = HANDSHAKE_WINDOW + 8;
      const t0 = Date.now();
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          transport(sshd.target({ name: `h${i}`, port, connectTimeoutMs: 1000 }), {
            retries: 0,
          }).run(cmd('true')),
        ),
      );
      const at = acceptedAt().sort((a, b) => a - b);
      assert.equal(at.length, n, 'every host got its turn');
      // The window's worth came before any timeout could free a turn; the next only after one had
      // (times from before the first connect: this process is the server too, and its accepts
      // may be seen late under load).
      assert.ok(at[HANDSHAKE_WINDOW - 1]! - t0 < 1000, 'the window did not open at once');
      assert.ok(
        at[HANDSHAKE_WINDOW]! - t0 >= 990,
        `connection ${HANDSHAKE_WINDOW + 1} came ${at[HANDSHAKE_WINDOW]! - t0} ms after the start`,
      );
      // Those past the window waited a whole timeout for their turn, yet were given their own.
      for (const r of results) {
        assert.equal(r.failure?.kind, 'unreachable');
        assert.match(r.failure?.message ?? '', /no SSH handshake .* within 1000 ms/);
      }
    } finally {
      server.close();
    }
  });

  it('hops through a ProxyJump host', async () => {
    const logins0 = await sshd.logins();
    const target = sshd.target({ name: 'inner', proxyJump: sshd.target({ name: 'bastion' }) });
    // The inner host is checked under its own names: record it as `inner` too.
    const file = join(sshd.dir, 'known_hosts_jump');
    await writeFile(
      file,
      `[127.0.0.1]:${sshd.port} ssh-ed25519 ${sshd.hostKeyBlob.toString('base64')}\n`,
    );
    const t = transport(target, { hostKeyPolicy: await KnownHosts.load([file]) });
    const r = await t.run(cmd('echo', '$SSH_CONNECTION'));
    assert.equal(r.ok, true, r.failure?.message);
    const r2 = await t.run(cmd('sh', '-c', 'echo $SSH_CONNECTION'));
    assert.match(r2.stdout, /^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/);
    assert.equal(await sshd.logins(), logins0 + 2, 'one login for the bastion, one for the target');
  });

  it('reports a jump host failure against the target', async () => {
    const target = sshd.target({
      name: 'inner',
      proxyJump: sshd.target({ name: 'bastion', port: await unusedPort() }),
    });
    const r = await transport(target, { retries: 0 }).run(cmd('true'));
    assert.equal(r.failure?.kind, 'unreachable');
    assert.match(r.failure?.message ?? '', /^inner: via jump host bastion: connection refused/);
  });
});

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Accepts TCP connections and never says a word (a wedged sshd, a black-holing firewall). */
function silentServer(): Promise<{
  server: Server;
  port: number;
  accepted: () => number;
  /** When each connection was accepted (Date.now()). */
  acceptedAt: () => number[];
}> {
  const sockets: Socket[] = [];
  const times: number[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    times.push(Date.now());
    s.on('error', () => undefined);
  });
  const destroyAll = (): void => {
    for (const s of sockets) {
      s.destroy();
    }
  };
  server.on('close', destroyAll);
  const close = server.close.bind(server);
  server.close = (cb) => {
    destroyAll();
    return close(cb);
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        server,
        port: typeof a === 'object' && a ? a.port : 0,
        accepted: () => sockets.length,
        acceptedAt: () => [...times],
      });
    }),
  );
}

/**
 * A TCP relay to `port` that passes the server's first chunk (its identification) at once and
 * holds everything after it back `delayMs` (a loaded sshd's key exchange).
 */
function delayingProxy(port: number, delayMs: number): Promise<{ server: Server; port: number }> {
  const pairs: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    pairs.push(client, upstream);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.pipe(upstream);
    let first = true;
    upstream.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        client.write(chunk);
        return;
      }
      setTimeout(() => client.writable && client.write(chunk), delayMs).unref();
    });
    upstream.on('close', () => setTimeout(() => client.destroy(), delayMs).unref());
    client.on('close', () => upstream.destroy());
  });
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const s of pairs) {
      s.destroy();
    }
    return close(cb);
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    }),
  );
}
