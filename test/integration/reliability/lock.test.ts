// The operator lock when the network fails (issue 10), on a lab: the holder's link cut (it runs
// in a lab host's namespace) frees the lock within 25 s and every refusal on the way says what is
// true; the lock host's link cut mid-rollout: the holder notices within 11 s, starts no further
// batch, ends interrupted (exit 130) promptly, and the run resumes once the link is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { LockedError } from '../../../admin/errors.js';
import type { Lab } from '../../../admin/lab/index.js';
import { EXPIRE_S, FleetLock, LOST_MS } from '../../../admin/rollout/lock/fleet-lock.js';
import { withLab, isRoot } from '../lab-fixture.js';

const HOLDER = fileURLToPath(new URL('./lock-holder-ssh.js', import.meta.url));
const DRIVER = fileURLToPath(new URL('../rollout/driver.js', import.meta.url));
// Each marker step's length: two units (stop + start each) outlast the lock's expiry.
const STEP_SEC = String(EXPIRE_S / 4 + 0.5);

function servicesFile(lab: Lab): string {
  const dir = join(lab.dir, 'locktest');
  mkdirSync(dir, { recursive: true });
  const hosts = lab.hosts.map((h) => `  ${h.name}: { address: ${h.address} }`).join('\n');
  const file = join(dir, 'services.yaml');
  writeFileSync(
    file,
    `deployment: locktest
ports: { nginx: 8080 }
ssh: { user: root, identity: ${lab.identityFile}, known_hosts: ${lab.knownHostsFile}, config: null, connect_timeout: 3 }
hosts:
${hosts}
services:
  nginx: { hosts: "cloud[2-4]" }
`,
  );
  return file;
}

const link = (lab: Lab, host: string, state: 'up' | 'down'): void => {
  const ns = lab.hosts.find((h) => h.name === host)!.netns;
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', state]);
  assert.equal(r.status, 0, String(r.stderr));
  if (state === 'up') {
    // The default route goes with the link: put it back (the lab's bridge is on-link anyway).
    spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  }
};

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
const exited = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve(c.exitCode)
    : new Promise((r) => c.on('exit', (code) => r(code)));

const bob = {
  user: 'bob',
  host: 'admin2',
  pid: 1,
  startedAt: new Date().toISOString(),
  what: 'start nginx',
};

test('the lock when the network fails', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 300_000,
}, async (t) => {
  await withLab(4, async (lab) => {
    const file = servicesFile(lab);

    await t.test(
      "the holder's link cut: the lock frees within 25 s; refusals say what is true",
      async () => {
        const ns = lab.hosts.find((h) => h.name === 'cloud4')!.netns;
        const holder = spawn('ip', ['netns', 'exec', ns, process.execPath, HOLDER, 'hold', file], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        holder.stdout!.on('data', (d) => {
          out += String(d);
        });
        const dep = await Deployment.open(file);
        try {
          await until('the holder to take the lock', () => out.includes('held'));
          const lock = new FleetLock(dep.pool.get('cloud1'), 'locktest');
          // Held well past the expiry: the heartbeats keep it.
          await new Promise((r) => setTimeout(r, (EXPIRE_S + 2) * 1000));
          await assert.rejects(lock.acquire(bob), (e: unknown) => {
            assert.ok(e instanceof LockedError, String(e));
            assert.match(
              e.message,
              /locked by helper on holder-ns .*: restart hub; last heartbeat [0-3] s ago — if its holder dies or loses its network, the lock frees 20–22 s after its last heartbeat/,
            );
            return true;
          });
          link(lab, 'cloud4', 'down');
          const cut = Date.now();
          await until('the holder to notice', () => out.includes('lost'), LOST_MS + 10_000);
          const noticed = Date.now() - cut;
          assert.ok(noticed <= LOST_MS + 1000, `the holder noticed after ${noticed} ms`);
          assert.match(out, /lost no heartbeat reached cloud1 for \d+ s/);
          await assert.rejects(lock.acquire(bob), (e: unknown) => {
            assert.ok(e instanceof LockedError, String(e));
            assert.match(
              e.message,
              /last heartbeat \d+ s ago — its heartbeats have stopped: the lock frees within \d+ s/,
            );
            return true;
          });
          const held = await lock.acquire(bob, { waitMs: (EXPIRE_S + 15) * 1000 });
          const freed = Date.now() - cut;
          assert.ok(freed <= (EXPIRE_S + 5) * 1000, `freed ${freed} ms after the cut`);
          await held.release();
        } finally {
          holder.kill('SIGKILL');
          await exited(holder);
          link(lab, 'cloud4', 'up');
          await dep.close();
        }
      },
    );

    await t.test(
      "the lock host's link cut mid-run: no further batch, interrupted, prompt exit; resume finishes",
      async () => {
        const child = spawn(
          process.execPath,
          [DRIVER, 'run', '-s', file, 'restart', 'nginx', '--serial', '--json'],
          { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MARK_STEP_SEC: STEP_SEC } },
        );
        const events: { kind: string; at: number }[] = [];
        let buf = '';
        let err = '';
        child.stderr!.on('data', (d) => {
          err += String(d);
        });
        child.stdout!.on('data', (d) => {
          buf += String(d);
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) {
            try {
              events.push({ kind: (JSON.parse(l) as { kind: string }).kind, at: Date.now() });
            } catch {
              // not an event
            }
          }
        });
        try {
          // Two units done (past the lock's expiry: heartbeats held it), the third in flight.
          await until(
            'two units done',
            () => events.filter((e) => e.kind === 'unit-done').length >= 2,
            90_000,
          );
          const acquired = events.find((e) => e.kind === 'lock-acquired')!.at;
          assert.ok(
            Date.now() - acquired > EXPIRE_S * 1000,
            'the run held the lock past the expiry',
          );
          assert.ok(!events.some((e) => e.kind === 'lock-lost'));
          link(lab, 'cloud1', 'down');
          const cut = Date.now();
          const code = await exited(child);
          const took = Date.now() - cut;
          assert.equal(code, 130, err);
          assert.ok(
            took <= LOST_MS + 5000,
            `exited ${took} ms after the cut: ${events.map((e) => `${e.kind}@${e.at - cut}`).join(' ')} ${err}`,
          );
          const lost = events.find((e) => e.kind === 'lock-lost');
          assert.ok(lost && lost.at - cut <= LOST_MS + 1000, 'lock-lost within LOST_MS + 1 s');
          assert.ok(
            !events.some((e) => e.kind === 'batch-start' && e.at > lost!.at),
            'no batch after the loss',
          );
          assert.equal(events.filter((e) => e.kind === 'batch-start').length, 3);
        } finally {
          if (child.exitCode === null) {
            child.kill('SIGKILL');
          }
          link(lab, 'cloud1', 'up');
        }
        const runs = readdirSync(join(file, '..', '.salvo', 'runs'));
        assert.equal(runs.length, 1);
        const resumed = spawnSync(
          process.execPath,
          [DRIVER, 'run', '-s', file, 'resume', 'last', '--wait-lock', '60s'],
          { encoding: 'utf8', env: { ...process.env, MARK_STEP_SEC: STEP_SEC } },
        );
        assert.equal(resumed.status, 0, resumed.stdout + resumed.stderr);
      },
    );
  });
});
