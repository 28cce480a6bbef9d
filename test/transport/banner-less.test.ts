// A host that accepts TCP but never sends an SSH banner (issue 10), through the real CLI: it fails
// at the connect timeout given (retries inside it), `--timeout` bounds the whole host including
// the connect, Ctrl-C ends at once, and nothing claims a process group was killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SALVO = fileURLToPath(new URL('../../../bin/salvo', import.meta.url));

interface Mute {
  server: Server;
  port: number;
  /** Resolves when the next connection is accepted. */
  nextConnection: () => Promise<void>;
  close: () => void;
}

async function mute(): Promise<Mute> {
  const sockets: Socket[] = [];
  let waiters: (() => void)[] = [];
  const server = createServer((s) => {
    sockets.push(s); // accepted, never answered
    s.on('error', () => undefined);
    for (const w of waiters) {
      w();
    }
    waiters = [];
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    nextConnection: () => new Promise<void>((r) => waiters.push(r)),
    close: () => {
      for (const s of sockets) {
        s.destroy();
      }
      server.close();
    },
  };
}

function files(port: number, connectTimeout: number): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-mute-'));
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
  writeFileSync(join(dir, 'known_hosts'), '');
  const file = join(dir, 'services.yaml');
  writeFileSync(
    file,
    `deployment: mute
ssh: { user: root, identity: ./id, known_hosts: ./known_hosts, config: null, connect_timeout: ${connectTimeout} }
hosts:
  mute1: { address: 127.0.0.1, port: ${port} }
`,
  );
  return { dir, file };
}

function run(
  file: string,
  args: string[],
  interruptWhen?: Promise<void>,
): Promise<{ code: number | null; out: string; ms: number; afterSignalMs?: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [SALVO, '-s', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SALVO_CACHE: 'off' },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    let signalled: number | undefined;
    // Once it is connecting (the listener took its connection): it has started and is waiting.
    void interruptWhen?.then(() => {
      signalled = Date.now();
      child.kill('SIGINT');
    });
    child.on('exit', (code) =>
      resolve({
        code,
        out,
        ms: Date.now() - started,
        ...(signalled ? { afterSignalMs: Date.now() - signalled } : {}),
      }),
    );
  });
}

test('a banner-less host fails at the connect timeout, --timeout bounds it, Ctrl-C ends it', {
  timeout: 120_000,
}, async (t) => {
  const m = await mute();
  t.after(() => m.close());
  const { dir, file } = files(m.port, 3);
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  await t.test(
    'connect_timeout 3: unreachable in about 3 s, the attempts counted inside it',
    async () => {
      const r = await run(file, ['exec', 'mute1', '--', 'true']);
      assert.equal(r.code, 3, r.out);
      assert.ok(r.ms < 3000 + 4000, `took ${r.ms} ms`); // + node start-up on a loaded machine; 3 × 3 s before
      assert.ok(r.ms >= 2900, `gave up early: ${r.ms} ms`);
      assert.match(
        r.out,
        /mute1 \(1\) unreachable: no SSH handshake with root@127\.0\.0\.1:\d+ within \d+ ms/,
      );
      assert.doesNotMatch(r.out, /process group killed/);
    },
  );

  await t.test(
    '--timeout 1s bounds the host, connect included; nothing claims a kill',
    async () => {
      const r = await run(file, ['exec', 'mute1', '--timeout', '1s', '--', 'true']);
      assert.notEqual(r.code, 0, r.out);
      assert.ok(r.ms < 1000 + 4000, `took ${r.ms} ms`); // was 31 s
      assert.match(r.out, /timed out after 1000 ms before the command started \(nothing ran\)/);
      assert.doesNotMatch(r.out, /process group killed/);
    },
  );

  await t.test('Ctrl-C while connecting ends within a second', async () => {
    const { dir: dir2, file: slow } = files(m.port, 60);
    t.after(() => rmSync(dir2, { recursive: true, force: true }));
    const r = await run(slow, ['exec', 'mute1', '--', 'true'], m.nextConnection());
    assert.equal(r.code, 130, r.out);
    assert.ok((r.afterSignalMs ?? 99_999) < 1500, `exited ${r.afterSignalMs} ms after SIGINT`);
    assert.doesNotMatch(r.out, /process group killed/);
  });
});
