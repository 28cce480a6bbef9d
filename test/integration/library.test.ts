// The library API used as a release script or the REPL uses it, on a real 3-host lab: plain
// strings wherever an operator types one, results as values (node sets of ok/failed/unreachable),
// events for progress, the operator lock around mutating calls, cancellation by an AbortSignal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  cmd,
  Deployment,
  LockedError,
  NodeSet,
  UsageError,
  withCancel,
  type DeploymentEvent,
} from '../../admin/index.js';
import { withLab, isRoot } from './lab-fixture.js';
import { meshServices } from './tinc/fixture.js';

test('the library API on a 3-host lab', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async (t) => {
  await withLab(3, async (lab) => {
    const events: DeploymentEvent[] = [];
    const dep = await Deployment.open(lab.servicesFile, { onEvent: (e) => events.push(e) });
    t.after(() => dep.close());

    await t.test('what the services file says, as values', () => {
      assert.equal(dep.name, 'lab');
      assert.equal(String(dep.hosts), 'cloud[1-3]');
      assert.equal(String(dep.groups.web), 'cloud[1-2]');
      assert.deepEqual(dep.services, ['cassandra', 'hub', 'snap', 'nginx', 'haproxy']);
      assert.deepEqual(dep.nodes('@web!cloud2'), ['cloud1']);
    });

    await t.test('exec with a plain string: per-host results and node sets', async () => {
      const r = await dep.exec('cloud[1-3]', 'hostname');
      assert.deepEqual(
        r.map((x) => x.stdout),
        ['cloud1\n', 'cloud2\n', 'cloud3\n'],
      );
      assert.ok(r.ok instanceof NodeSet);
      assert.equal(String(r.ok), 'cloud[1-3]');
      assert.equal(r.failed.size, 0);
      assert.equal(r.allOk, true);
      assert.equal(r.of('cloud2')?.stdout, 'cloud2\n');
      const e = events.find((x) => x.source === 'exec' && x.event.kind === 'fanout-end');
      assert.ok(e && typeof e.at === 'number', 'exec reports its progress as stamped events');
    });

    await t.test("exec with cmd(...), then the failed set as the next call's target", async () => {
      const r = await dep.exec('@all', cmd('sh', '-c', '[ "$(hostname)" != cloud2 ]'));
      assert.equal(String(r.failed), 'cloud2');
      assert.equal(String(r.ok), 'cloud[1,3]');
      const again = await dep.exec(r.failed, 'echo again on $(hostname)');
      assert.deepEqual(
        again.map((x) => x.stdout),
        ['again on cloud2\n'],
      );
    });

    await t.test('exec: a timeout as typed, and bad calls are usage errors', async () => {
      const r = await dep.exec('cloud1', 'sleep 20', { timeout: '1s' });
      assert.equal(r[0]?.failure?.kind, 'timeout');
      assert.equal(String(r.failed), 'cloud1');
      await assert.rejects(dep.exec('cloud1', '  '), UsageError);
      await assert.rejects(dep.exec('cloud1', 42 as unknown as string), UsageError);
      await assert.rejects(dep.exec('cloud1', 'true', { timeout: 'soon' }), UsageError);
    });

    await t.test('a cancelled call stops the remote commands', async () => {
      const ac = new AbortController();
      const marker = `sleep 61.${process.pid}`;
      setTimeout(() => ac.abort(), 800);
      const r = await withCancel(ac.signal, () => dep.exec('cloud[1-2]', marker));
      assert.equal(String(r.aborted), 'cloud[1-2]');
      const left = await dep.exec('cloud[1-2]', `pgrep -f '^${marker}' || true`);
      assert.deepEqual(
        left.map((x) => x.stdout),
        ['', ''],
        'no sleep left on the hosts',
      );
    });

    await t.test('start, status: plain service names, hosts as node sets', async () => {
      const started = await dep.start('hub');
      assert.equal(started.state, 'done');
      assert.equal(String(started.ok), 'cloud[1-2]');
      const s = await dep.status('hub');
      assert.equal(s.units.length, 4);
      assert.equal(String(s.ok), 'cloud[1-2]');
      assert.equal(s.failed.size, 0);
    });

    await t.test('restart as a dry run: the plan, nothing journaled', async () => {
      const before = runFiles(lab.dir);
      const r = await dep.restart('hub', { dryRun: true, hosts: 'cloud1' });
      assert.equal(r.state, 'planned');
      assert.equal(r.dryRun, true);
      assert.equal(r.plan.units, 2);
      assert.deepEqual(runFiles(lab.dir), before);
    });

    await t.test(
      'rolling restart with events, then upgrade, then diff sees the version',
      async () => {
        const seen: string[] = [];
        const r = await dep.restart('hub', {
          rolling: true,
          onEvent: (e) => {
            if (e.source === 'rollout') {
              seen.push(e.event.kind);
            }
          },
        });
        assert.equal(r.state, 'done', JSON.stringify(r.failures));
        assert.equal(r.done.length, 4);
        assert.ok(seen.includes('gate-pass') && seen.includes('lock-acquired'), seen.join(' '));
        const u = await dep.upgrade('hub', { version: '1.1.0', batch: 2, hosts: 'cloud1' });
        assert.equal(u.state, 'done', JSON.stringify(u.failures));
        const versions = (await dep.status('hub', { hosts: 'cloud1' })).units.map(
          (x) => x.health?.version,
        );
        assert.deepEqual(versions, ['1.1.0', '1.1.0']);
        const d = await dep.diff({ hosts: '@web' });
        const moved = d.items.flatMap((i) => (i.type === 'version' ? [i.unit.host] : []));
        assert.deepEqual(moved, ['cloud1', 'cloud1']);
        assert.ok(d.drifted.has('cloud1'));
        const runs = await dep.runs();
        assert.ok(runs.length >= 3);
      },
    );

    await t.test('stop, then waitUntilUp: hosts answer, the stopped service does not', async () => {
      const s = await dep.stop('hub', { hosts: new NodeSet(['cloud2']) });
      assert.equal(s.state, 'done');
      assert.equal(String((await dep.status('hub')).failed), 'cloud2');
      const up = await dep.waitUntilUp();
      assert.equal(String(up.ok), 'cloud[1-3]');
      const waits: string[] = [];
      const hub = await dep.waitUntilUp('@web', {
        service: 'hub',
        timeout: '3s',
        interval: '1s',
        onEvent: (e) => {
          if (e.source === 'wait') {
            waits.push(e.event.kind);
          }
        },
      });
      assert.equal(String(hub.failed), 'cloud2');
      assert.equal(waits.at(-1), 'gave-up');
      assert.ok(waits.includes('waiting'));
    });

    await t.test('the operator lock: held by one deployment, re-entrant inside it', async () => {
      const other = await Deployment.open(lab.servicesFile);
      try {
        await dep.locked('test holds the lock', async () => {
          await assert.rejects(other.start('hub', { hosts: 'cloud2' }), LockedError);
          // Inside the held lock, a rollout of the same deployment runs.
          const r = await dep.start('hub', { hosts: 'cloud2' });
          assert.equal(r.state, 'done');
        });
        const r = await other.exec('cloud1', 'true', { lock: 'a locked exec' });
        assert.equal(r.allOk, true);
      } finally {
        await other.close();
      }
    });

    await t.test('resume refuses a run that is not interrupted', async () => {
      await assert.rejects(dep.resume('last'), UsageError);
    });

    await t.test('tinc as a subsystem namespace: dep.tinc.status()', async () => {
      const mesh = await Deployment.open(await meshServices(lab, lab.hosts));
      try {
        const s = await mesh.tinc.status();
        assert.equal(s.nodes.length, 3);
        assert.equal(s.ok, false, 'no tincd runs yet');
      } finally {
        await mesh.close();
      }
    });

    await t.test('a deployment opened as a dry run contacts no host', async () => {
      const planned: string[] = [];
      const dry = await Deployment.open(lab.servicesFile, {
        dryRun: true,
        onEvent: (e) => {
          if (e.source === 'dry-run') {
            planned.push(e.event.call);
          }
        },
      });
      try {
        const r = await dry.exec('@web', 'touch /root/dry-run-was-here');
        assert.equal(r.dryRun, true);
        assert.equal(r.length, 0);
        const o = await dry.restart('snap');
        assert.equal(o.state, 'planned');
        assert.equal(dry.pool.get('cloud1').connected ?? false, false, 'no connection was made');
        assert.deepEqual(planned, [
          'exec("cloud[1-2]", "touch /root/dry-run-was-here")',
          'restart("snap"): 2 unit(s) in 2 batch(es)',
        ]);
      } finally {
        await dry.close();
      }
      assert.equal(existsSync(join(lab.dir, 'cloud1', 'root', 'dry-run-was-here')), false);
    });
  });
});

function runFiles(dir: string): string[] {
  const runs = join(dir, '.salvo', 'runs');
  return existsSync(runs) ? readdirSync(runs).sort() : [];
}
