// trustHosts end to end: real scans of in-process ssh2 servers on 127.0.0.1, a real file.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { ConnectError } from '../../../admin/errors.js';
import { KnownHosts } from '../../../admin/transport/hostkeys/known-hosts/index.js';
import { trustHosts } from '../../../admin/transport/hostkeys/trust.js';
import type { SshTarget } from '../../../admin/transport/types.js';
import { freePort, generateKey, keygenFindLines, tempDir, type GeneratedKey } from './fixtures.js';

type Key = GeneratedKey & { privateKey: Buffer };

/** One address whose host key can be swapped, as when a machine is reinstalled. */
class SwappableHost {
  private readonly net: NetServer;
  private readonly sockets = new Set<Socket>();
  private ssh: ssh2.Server;
  port = 0;

  constructor(key: Key) {
    this.ssh = SwappableHost.sshServer(key);
    this.net = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      this.ssh.injectSocket(s);
    });
  }

  static sshServer(key: Key): ssh2.Server {
    return new ssh2.Server({ hostKeys: [key.privateKey] }, (client) => {
      client.on('authentication', (ctx) => ctx.reject());
      client.on('error', () => undefined);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.net.listen(0, '127.0.0.1', resolve));
    const address = this.net.address();
    if (address !== null && typeof address !== 'string') {
      this.port = address.port;
    }
    return this;
  }

  reinstall(key: Key): void {
    this.ssh = SwappableHost.sshServer(key);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) {
      s.destroy();
    }
    await new Promise<void>((resolve) => this.net.close(() => resolve()));
  }
}

describe('trustHosts', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let keys: Key[];
  let hosts: SwappableHost[];
  let n = 0;
  const file = (): string => join(tmp.dir, `trust${++n}`, 'known_hosts');
  const target = (i: number, extra: Partial<SshTarget> = {}): SshTarget => ({
    name: `lab${i}`,
    hostname: '127.0.0.1',
    port: hosts[i]?.port ?? 0,
    user: 'nobody',
    identityFiles: [],
    knownHostsFiles: [],
    connectTimeoutMs: 3000,
    ...extra,
  });

  before(async () => {
    tmp = await tempDir('trust');
    keys = [];
    for (const name of ['k0', 'k1', 'k2', 'k0-new']) {
      const key = await generateKey(tmp.dir, name, 'ed25519');
      keys.push({ ...key, privateKey: await readFile(key.path) });
    }
    hosts = [];
    for (const key of keys.slice(0, 3)) {
      hosts.push(await new SwappableHost(key).start());
    }
  });
  after(async () => {
    for (const h of hosts) {
      await h.stop();
    }
    await tmp.remove();
  });

  it('adds unknown hosts, then reports them already known', async () => {
    const kh = file();
    const first = await trustHosts([target(0), target(1)], kh, {});
    assert.deepEqual(
      first.map((r) => [r.host, r.outcome, r.type]),
      [
        ['lab0', 'added', 'ssh-ed25519'],
        ['lab1', 'added', 'ssh-ed25519'],
      ],
    );
    const known = await KnownHosts.load([kh]);
    assert.deepEqual(
      known.check(['lab0', '127.0.0.1'], hosts[0]?.port ?? 0, keys[0]?.blob ?? Buffer.alloc(0)),
      { status: 'ok' },
    );
    assert.deepEqual(await keygenFindLines(kh, `[lab1]:${hosts[1]?.port}`), [2]);
    const again = await trustHosts([target(0), target(1)], kh, {});
    assert.deepEqual(
      again.map((r) => r.outcome),
      ['already-known', 'already-known'],
    );
  });

  it('refuses a changed key, replaces it only when asked, atomically', async () => {
    const kh = file();
    const reinstalled = await new SwappableHost(keys[0] as Key).start();
    hosts.push(reinstalled);
    const t = target(0, { name: 'lab9', port: reinstalled.port });
    await trustHosts([t], kh, {});
    reinstalled.reinstall(keys[3] as Key);
    const before = await readFile(kh, 'utf8');
    const [refused] = await trustHosts([t], kh, {});
    assert.equal(refused?.outcome, 'changed-refused');
    assert.match(
      refused?.message ?? '',
      /^HOST KEY CHANGED for lab9 \(127\.0\.0\.1:\d+\): expected ED25519 SHA256:\S+ from .*known_hosts:1/,
    );
    assert.equal(await readFile(kh, 'utf8'), before, 'nothing written');
    const [replaced] = await trustHosts([t], kh, { replace: true });
    assert.equal(replaced?.outcome, 'replaced');
    assert.equal(replaced?.fingerprint.startsWith('SHA256:'), true);
    const text = await readFile(kh, 'utf8');
    assert.equal(text.trim().split('\n').length, 1);
    assert.ok(text.includes((keys[3] as Key).blob.toString('base64')));
  });

  it('does not replace a line in a file it does not own', async () => {
    const kh = file();
    const operators = join(tmp.dir, 'operators_known_hosts');
    await writeFile(
      operators,
      `[lab2]:${hosts[2]?.port} ${keys[0]?.type} ${keys[0]?.blob.toString('base64')}\n`,
    );
    const [r] = await trustHosts([target(2, { knownHostsFiles: [operators] })], kh, {
      replace: true,
    });
    assert.equal(r?.outcome, 'changed-refused');
    assert.match(r?.message ?? '', /not replaced: .*operators_known_hosts:1 is not/);
  });

  it('never trusts a revoked key, and reports unreachable hosts', async () => {
    const kh = file();
    await trustHosts([target(1)], kh, {});
    await writeFile(kh, `@revoked * ${keys[2]?.type} ${keys[2]?.blob.toString('base64')}\n`, {
      flag: 'a',
    });
    const dead = { ...target(0), name: 'dead', port: await freePort() };
    const results = await trustHosts([target(2), dead, target(1)], kh, { replace: true });
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['revoked', 'unreachable', 'already-known'],
    );
    assert.match(results[0]?.message ?? '', /REVOKED/);
    assert.match(results[1]?.message ?? '', /^dead: connection refused/);
    assert.equal(results[1]?.fingerprint, '');
  });

  it('hashes names when asked and scans through an injected scanner', async () => {
    const kh = file();
    const seen: string[] = [];
    const scan = async (t: SshTarget) => {
      seen.push(t.name);
      if (t.name === 'lab1') {
        throw new ConnectError(t.name, 'timeout', 'no answer');
      }
      return {
        blob: keys[2]?.blob ?? Buffer.alloc(0),
        type: 'ssh-ed25519',
        fingerprint: 'SHA256:x',
      };
    };
    const results = await trustHosts([target(0, { hostname: 'lab0.example' }), target(1)], kh, {
      hash: true,
      scan,
      concurrency: 1,
    });
    assert.deepEqual(seen, ['lab0', 'lab1']);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['added', 'unreachable'],
    );
    const lines = (await readFile(kh, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2, 'one hashed line per name');
    assert.ok(lines.every((l) => l.startsWith('|1|')));
    assert.deepEqual(await keygenFindLines(kh, `[lab0.example]:${hosts[0]?.port}`), [2]);
  });
});
