// The fleet lock against this machine (LocalTransport runs the same flock commands a lock host
// would): refusal names the holder, --wait-lock waits, a holder killed with SIGKILL frees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LockedError, type LockHolder } from '../../admin/errors.js';
import { EXPIRE_S, FleetLock, lockPaths } from '../../admin/rollout/lock/fleet-lock.js';
import { LocalTransport } from '../../admin/transport/local-transport.js';
import type { Transport } from '../../admin/transport/types.js';

/** A deployment name of our own; its lock file in /run/lock is removed when the test ends. */
function deployment(t: { after: (fn: () => void) => void }): string {
  const name = `t${process.pid}${randomBytes(3).toString('hex')}`;
  t.after(() => rmSync(lockPaths(name).lockFile, { force: true }));
  return name;
}
const holder = (user: string): LockHolder => ({
  user,
  host: 'admin1',
  pid: 4242,
  startedAt: '2025-06-12T10:15:30.000Z',
  what: `restart hub (${user})`,
});

test('a second run is refused with the holder; it can wait; release removes the holder record', async (t) => {
  const dep = deployment(t);
  const a = new FleetLock(new LocalTransport(), dep);
  const b = new FleetLock(new LocalTransport(), dep);
  const held = await a.acquire(holder('alice'));
  try {
    await assert.rejects(b.acquire(holder('bob')), (e: unknown) => {
      assert.ok(e instanceof LockedError);
      assert.deepEqual(e.holder, { ...holder('alice'), heartbeatAgeS: e.holder?.heartbeatAgeS });
      assert.ok((e.holder?.heartbeatAgeS ?? 99) <= 3, 'a fresh heartbeat');
      assert.match(
        e.message,
        /locked by alice on admin1 \(pid 4242\) since 2025-06-12T10:15:30.000Z: restart hub \(alice\); last heartbeat \d s ago — if its holder dies or loses its network, the lock frees 20–22 s after its last heartbeat/,
      );
      assert.equal(e.lock, `localhost:${lockPaths(dep).lockFile}`);
      return true;
    });
  } finally {
    setTimeout(() => void held.release(), 300);
  }
  const waits: (LockHolder | undefined)[] = [];
  const second = await b.acquire(holder('bob'), { waitMs: 10_000, onWait: (h) => waits.push(h) });
  assert.deepEqual(
    waits.map((w) => w?.user),
    ['alice'],
  );
  await second.release();
  assert.equal(existsSync(lockPaths(dep).holderFile), false);
});

test('the lock is freed by the kernel when its holder is killed with SIGKILL', async (t) => {
  const dep = deployment(t);
  const script = fileURLToPath(new URL('./lock-holder.js', import.meta.url));
  const child = spawn(process.execPath, [script, 'hold', dep], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        if (String(d).includes('held')) {
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`helper exited ${code}`)));
    });
    const lock = new FleetLock(new LocalTransport(), dep);
    await assert.rejects(
      lock.acquire(holder('bob')),
      (e: unknown) => e instanceof LockedError && e.holder?.user === 'helper',
    );
    child.kill('SIGKILL');
    const started = Date.now();
    const held = await lock.acquire(holder('bob'), { waitMs: 10_000 });
    assert.ok(Date.now() - started < 5000, `freed after ${Date.now() - started} ms`);
    await held.release();
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
});

test('a holder that stops heartbeating (frozen with SIGSTOP) loses the lock within 23 s; the refusal says so', {
  timeout: 90_000,
}, async (t) => {
  const dep = deployment(t);
  const script = fileURLToPath(new URL('./lock-holder.js', import.meta.url));
  const child = spawn(process.execPath, [script, 'hold', dep], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        if (String(d).includes('held')) {
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`helper exited ${code}`)));
    });
    // Frozen: its flock command (another process) lives on, but no heartbeat comes any more.
    child.kill('SIGSTOP');
    const frozen = Date.now();
    const lock = new FleetLock(new LocalTransport(), dep);
    // Past the holder's beat interval, the refusal says the heartbeats stopped and when it frees.
    await new Promise((r) => setTimeout(r, 5000));
    await assert.rejects(lock.acquire(holder('bob')), (e: unknown) => {
      assert.ok(e instanceof LockedError);
      assert.match(
        e.message,
        /locked by helper on helper-host .*; last heartbeat \d+ s ago — its heartbeats have stopped: the lock frees within \d+ s/,
      );
      return true;
    });
    const held = await lock.acquire(holder('bob'), { waitMs: 30_000 });
    const took = Date.now() - frozen;
    assert.ok(
      took <= (EXPIRE_S + 3) * 1000,
      `freed ${took} ms after the last heartbeat could have been sent`,
    );
    assert.ok(
      took >= (EXPIRE_S - 2) * 1000,
      `freed too early (${took} ms): heartbeats are what holds it`,
    );
    await held.release();
  } finally {
    child.kill('SIGKILL');
  }
});

/** A lock host whose hold command dies after a moment, as when the SSH connection drops. */
function droppingHost(): Transport {
  let info = '';
  return {
    host: 'cloud1',
    async run(command) {
      const parts = command.parts.map(String);
      const ok = {
        host: 'cloud1',
        command: '',
        ok: true,
        exitCode: 0,
        signal: null,
        stderr: '',
        durationMs: 1,
      };
      if (parts[0] === 'flock') {
        info = parts[9]!;
        await new Promise((r) => setTimeout(r, 200));
        return {
          ...ok,
          ok: false,
          exitCode: null,
          stdout: '',
          failure: { kind: 'unreachable' as const, message: 'connection lost' },
        };
      }
      return { ...ok, stdout: parts[0] === 'cat' ? info : '' };
    },
    async close() {},
  };
}

test('losing the lock command is reported through `lost`', async () => {
  const held = await new FleetLock(droppingHost(), 'storm').acquire(holder('alice'));
  assert.match(await held.lost, /the lock command on cloud1 ended \(connection lost\)/);
  await held.release();
});

test('the hold command keeps at most 64 KiB of its output: its dot a second is not kept for days', async () => {
  // A monitor holds its lease for as long as it runs; with the default limit the dots would
  // accumulate up to 8.25 MiB per lock host (seen in a monitor's heap snapshot as a growing sink).
  const seen: (number | undefined)[] = [];
  const host = droppingHost();
  const run = host.run.bind(host);
  host.run = (command, options) => {
    if (command.parts.map(String)[0] === 'flock') {
      seen.push(options?.maxOutput);
    }
    return run(command, options);
  };
  const held = await new FleetLock(host, 'storm').acquire(holder('alice'));
  await held.lost;
  await held.release();
  assert.deepEqual(seen, [64 * 1024]);
});
