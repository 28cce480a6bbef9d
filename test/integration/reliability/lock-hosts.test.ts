// Lock hosts (issue 9, item 12): with `lock: { hosts: [cloud1, cloud2, cloud3] }` the deployment
// lock is held on a majority of them, so the first host down does not stop a rollout on the
// others (it did with the default single lock host), and two admins racing for it still get
// exactly one holder, whether every lock host answers or one is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { LockedError } from '../../../admin/errors.js';
import type { Lab } from '../../../admin/lab/index.js';
import { withLab, isRoot } from '../lab-fixture.js';

const BIN = resolve('bin/salvo');

function servicesFile(lab: Lab, name: string, lock: string): string {
  const dir = join(lab.dir, name);
  mkdirSync(dir, { recursive: true });
  const hosts = lab.hosts.map((h) => `  ${h.name}: { address: ${h.address} }`).join('\n');
  const file = join(dir, 'services.yaml');
  writeFileSync(
    file,
    `deployment: ${name}
ports: { nginx: 8080 }
ssh: { user: root, identity: ${lab.identityFile}, known_hosts: ${lab.knownHostsFile}, config: null, connect_timeout: 3 }
hosts:
${hosts}
services:
  nginx: { hosts: "cloud[2-4]" }
${lock}`,
  );
  return file;
}

const link = (lab: Lab, host: string, state: 'up' | 'down'): void => {
  const ns = lab.hosts.find((h) => h.name === host)!.netns;
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', state]);
  assert.equal(r.status, 0, String(r.stderr));
};

const salvo = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

const who = (user: string) => ({
  user,
  host: `admin-${user}`,
  pid: process.pid,
  startedAt: new Date().toISOString(),
  what: 'test',
});

/** Two admins (two deployments, two connection pools) race for the lock: exactly one gets it. */
async function race(file: string, rounds: number): Promise<void> {
  const a = await Deployment.open(file, { session: false });
  const b = await Deployment.open(file, { session: false });
  try {
    for (let i = 0; i < rounds; i++) {
      const [la, lb] = [await a.fleetLock(a.name), await b.fleetLock(b.name)];
      const got = await Promise.allSettled([la!.acquire(who('alice')), lb!.acquire(who('bob'))]);
      const held = got.filter((g) => g.status === 'fulfilled');
      const refused = got.filter((g) => g.status === 'rejected');
      assert.equal(held.length, 1, `round ${i}: ${JSON.stringify(got.map((g) => g.status))}`);
      assert.ok(
        (refused[0] as PromiseRejectedResult).reason instanceof LockedError,
        String((refused[0] as PromiseRejectedResult).reason),
      );
      // While it is held, a third try is refused too; once released, it is free again.
      await assert.rejects(lb!.acquire(who('carol')), LockedError);
      await (held[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
      const again = await la!.acquire(who('dave'));
      await again.release();
    }
  } finally {
    await a.close();
    await b.close();
  }
}

test('lock hosts: a majority holds the lock; the first host down stops nothing', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async (t) => {
  await withLab(4, async (lab) => {
    const quorum = servicesFile(lab, 'quorum', 'lock: { hosts: [cloud1, cloud2, cloud3] }\n');
    const single = servicesFile(lab, 'single', '');

    await t.test('every lock host up: two admins racing, exactly one holds', () => race(quorum, 3));

    await t.test('the first host down: a rollout on the other hosts proceeds', async () => {
      link(lab, 'cloud1', 'down');
      try {
        const start = salvo('-s', quorum, 'start', 'nginx', '-v');
        assert.equal(start.status, 0, start.stdout + start.stderr);
        const stop = salvo('-s', quorum, 'stop', 'nginx');
        assert.equal(stop.status, 0, stop.stdout + stop.stderr);
        // The default lock host (the file's first host) down: every rollout stops, as before.
        const before = salvo('-s', single, 'start', 'nginx');
        assert.notEqual(before.status, 0);
        assert.match(before.stdout + before.stderr, /lock host unreachable/);
        // And with the first host down, still exactly one holder.
        await race(quorum, 2);
      } finally {
        link(lab, 'cloud1', 'up');
      }
    });

    await t.test('a majority down: the lock is refused, saying why', async () => {
      link(lab, 'cloud1', 'down');
      link(lab, 'cloud2', 'down');
      try {
        const dep = await Deployment.open(quorum, { session: false });
        try {
          const lock = await dep.fleetLock(dep.name);
          await assert.rejects(
            lock!.acquire(who('erin')),
            /0 of 3 lock hosts granted it, a majority \(2\) is needed; unreachable: cloud1: .*; cloud2: /,
          );
        } finally {
          await dep.close();
        }
      } finally {
        link(lab, 'cloud1', 'up');
        link(lab, 'cloud2', 'up');
      }
    });
  });
});
