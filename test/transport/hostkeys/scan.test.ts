// scanHostKey against a real OpenSSH sshd and an in-process ssh2 Server, both on 127.0.0.1.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { ConnectError } from '../../../admin/errors.js';
import { fingerprintSha256 } from '../../../admin/transport/hostkeys/fingerprint.js';
import { scanHostKey, toConnectError } from '../../../admin/transport/hostkeys/scan.js';
import {
  KnownHosts,
  parseKnownHosts,
} from '../../../admin/transport/hostkeys/known-hosts/index.js';
import type { SshTarget } from '../../../admin/transport/types.js';
import {
  freePort,
  generateKey,
  keygenFingerprints,
  run,
  startSshd,
  tempDir,
  type GeneratedKey,
  type Sshd,
} from './fixtures.js';

const target = (port: number, extra: Partial<SshTarget> = {}): SshTarget => ({
  name: 'lab1',
  hostname: '127.0.0.1',
  port,
  user: 'nobody',
  identityFiles: [],
  knownHostsFiles: [],
  connectTimeoutMs: 5000,
  ...extra,
});

async function listen(server: NetServer | ssh2.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

const rejectsWith =
  (reason: string) =>
  (err: unknown): boolean => {
    assert.ok(err instanceof ConnectError, String(err));
    assert.equal(err.reason, reason, err.message);
    assert.equal(err.host, 'lab1');
    return true;
  };

describe('scanHostKey against OpenSSH sshd', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let sshd: Sshd;

  before(async () => {
    tmp = await tempDir('hostkeys-sshd');
    sshd = await startSshd(tmp.dir);
  });
  after(async () => {
    await sshd?.stop();
    await tmp.remove();
  });

  it('gets the ed25519 key by default, as the pool will negotiate it', async () => {
    const key = await scanHostKey(target(sshd.port));
    assert.equal(key.type, 'ssh-ed25519');
    assert.ok(key.blob.equals(sshd.keys.ed25519.blob));
    const [expected] = await keygenFingerprints(`${sshd.keys.ed25519.path}.pub`);
    assert.equal(key.fingerprint, expected?.fingerprint);
  });

  it('gets the key ssh-keyscan gets, for each algorithm asked for', async () => {
    for (const [alg, type, key] of [
      ['rsa-sha2-512', 'ssh-rsa', sshd.keys.rsa],
      ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256', sshd.keys.ecdsa],
    ] as const) {
      const scanned = await scanHostKey(target(sshd.port), { hostKeyAlgorithms: [alg] });
      const keyscan = await run('ssh-keyscan', [
        '-p',
        String(sshd.port),
        '-t',
        type === 'ssh-rsa' ? 'rsa' : 'ecdsa',
        '127.0.0.1',
      ]);
      const [entry] = parseKnownHosts(keyscan, 'keyscan');
      assert.equal(scanned.type, type);
      assert.ok(scanned.blob.equals(key.blob));
      assert.ok(entry?.kind === 'key' && entry.blob.equals(scanned.blob));
    }
  });

  it('agrees with a hashed ssh-keyscan -H known_hosts', async () => {
    const scanned = await scanHostKey(target(sshd.port));
    const text = await run('ssh-keyscan', ['-H', '-p', String(sshd.port), '127.0.0.1']);
    const known = KnownHosts.fromEntries(parseKnownHosts(text, 'keyscan'));
    assert.deepEqual(known.check(['lab1', '127.0.0.1'], sshd.port, scanned.blob), { status: 'ok' });
    assert.deepEqual(known.check(['127.0.0.1'], 22, scanned.blob), { status: 'unknown' });
  });

  it('scans through a stream the caller opened (how a ProxyJump tunnel is passed)', async () => {
    const hop = target(1, { name: 'bastion' });
    await assert.rejects(scanHostKey(target(sshd.port, { proxyJump: hop })), rejectsWith('other'));
    const sock: Socket = connect(sshd.port, '127.0.0.1');
    const key = await scanHostKey(
      target(sshd.port, { proxyJump: hop, hostname: 'behind.bastion' }),
      { sock },
    );
    assert.ok(key.blob.equals(sshd.keys.ed25519.blob));
  });
});

describe('scanHostKey against an ssh2 Server', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let hostKey: GeneratedKey;
  let server: ssh2.Server;
  let port: number;
  let authAttempts = 0;

  before(async () => {
    tmp = await tempDir('ssh2srv');
    hostKey = await generateKey(tmp.dir, 'host', 'ed25519');
    server = new ssh2.Server({ hostKeys: [await readFile(hostKey.path)] }, (client) => {
      client.on('authentication', (ctx) => {
        authAttempts++;
        ctx.reject();
      });
      client.on('error', () => undefined); // the scanner hangs up mid-handshake on purpose
    });
    port = await listen(server);
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tmp.remove();
  });

  it('captures the key and never authenticates', async () => {
    const key = await scanHostKey(target(port));
    assert.ok(key.blob.equals(hostKey.blob));
    assert.equal(key.fingerprint, fingerprintSha256(hostKey.blob));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(authAttempts, 0);
  });

  it('scans many times in parallel', async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => scanHostKey(target(port))));
    assert.ok(keys.every((k) => k.blob.equals(hostKey.blob)));
  });
});

describe('scanHostKey failures', () => {
  const servers: NetServer[] = [];
  after(async () => {
    for (const s of servers) {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('maps a closed port to refused', async () => {
    await assert.rejects(scanHostKey(target(await freePort())), rejectsWith('refused'));
  });

  it('maps a silent server to timeout, within the connect timeout', async () => {
    const held: Socket[] = [];
    const silent = createServer((s) => {
      held.push(s);
    });
    servers.push(silent);
    const port = await listen(silent);
    const started = Date.now();
    await assert.rejects(
      scanHostKey(target(port, { connectTimeoutMs: 300 })),
      rejectsWith('timeout'),
    );
    assert.ok(Date.now() - started < 2000);
    for (const s of held) {
      s.destroy();
    }
  });

  it('maps a server that is not SSH to protocol', async () => {
    // resume(): a paused socket never reads the client's FIN, and close() would wait forever.
    const rude = createServer((s) => s.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    servers.push(rude);
    await assert.rejects(scanHostKey(target(await listen(rude))), rejectsWith('protocol'));
  });

  it('maps resolver errors to dns (without asking a resolver)', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), {
      code: 'ENOTFOUND',
    });
    const mapped = toConnectError(target(22, { hostname: 'nowhere.invalid' }), err);
    assert.equal(mapped.reason, 'dns');
    assert.equal(mapped.message, 'lab1: cannot resolve nowhere.invalid (ENOTFOUND)');
    assert.equal(
      toConnectError(target(22), Object.assign(new Error('x'), { code: 'EHOSTUNREACH' })).reason,
      'other',
    );
  });
});
