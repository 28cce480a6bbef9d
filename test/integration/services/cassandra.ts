// The cassandra health gate on the lab (a case of services.test.ts): `salvo start cassandra`
// waits through the stand-ins' Joining phase until each node's own `nodetool status` row is UN
// (the lab's nodetool stand-in), and a node whose daemon is KILLed reads stopped while its peers,
// which now see it DN, stay running; a restart meanwhile stops at the first node, whose gate waits
// for the whole ring.
import assert from 'node:assert/strict';
import { Deployment } from '../../../admin/deployment/deployment.js';
import type { Lab } from '../../../admin/lab/index.js';
import { unitPaths } from '../../../admin/services/layout.js';
import { cmd } from '../../../admin/transport/command.js';
import { failures, runOp, statusOf } from './helpers.js';
import { runCli, variant } from './lab.js';

const JOIN_MS = 8000;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every distinct `state: detail` the cassandra units show while `work` runs. */
async function watch(dep: Deployment, work: Promise<unknown>): Promise<Set<string>> {
  let finished = false;
  void work.finally(() => {
    finished = true;
  });
  const seen = new Set<string>();
  while (!finished) {
    for (const s of await statusOf(dep, 'cassandra')) {
      seen.add(`${s.health?.state}: ${s.health?.detail ?? ''}`);
    }
    await pause(300);
  }
  return seen;
}

async function startWaitsForUN(lab: Lab): Promise<void> {
  // A longer join than the lab's 1.5 s, so that waiting for UN shows in the gate's duration, and
  // long enough that the watcher sees UJ even when a loaded machine slows each status sweep.
  const file = await variant(lab, 'joining', (doc) => {
    doc.services.cassandra!.command = [
      ...doc.services.cassandra!.command!,
      '--join-ms',
      String(JOIN_MS),
    ];
  });
  const v = await Deployment.open(file);
  try {
    assert.deepEqual(failures(await runOp(v, 'stop', 'cassandra')), []);
    const run = runCli(file, 'start', 'cassandra', '--json');
    const seen = await watch(v, run);
    const r = await run;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(
      seen.has('unhealthy: joining the ring (UJ in nodetool status)'),
      [...seen].join('\n'),
    );
    const gates = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; unit?: string; durationMs?: number })
      .filter((e) => e.kind === 'gate-pass');
    assert.equal(gates.length, 3);
    // JOIN_MS of Joining, then 3 passes 2 s apart (≥ 4 s more). Were UJ good enough, JOIN_MS
    // would do.
    for (const g of gates) {
      assert.ok(
        g.durationMs! >= JOIN_MS + 3000,
        `${g.unit} passed its gate after ${g.durationMs} ms`,
      );
    }
    assert.deepEqual(
      (await statusOf(v, 'cassandra')).map((s) => s.health?.state),
      ['running', 'running', 'running'],
    );
  } finally {
    await v.close();
  }
}

async function deadPeer(lab: Lab, dep: Deployment): Promise<void> {
  const pidFile = unitPaths('lab', { service: 'cassandra', instance: 0 }).pidFile;
  const [kill] = await dep.exec(
    ['cloud5'],
    cmd('sh', '-c', 'kill -KILL "$(cat "$1")"', 'salvo', pidFile),
  );
  assert.ok(kill!.ok, kill!.stderr);
  const dead = lab.hosts[4]!.address.replace(/\./g, '\\.');
  const status = await runCli(lab.servicesFile, 'status', 'cassandra');
  assert.equal(status.code, 1, status.stdout);
  assert.match(
    status.stdout,
    new RegExp(`^cassandra +running +cloud\\[3-4\\] \\(2\\) .* peers not UN: ${dead} DN$`, 'm'),
  );
  assert.match(status.stdout, /^cassandra +stopped +cloud5 \(1\) .* pid \d+ exited/m);
  // A restart while a peer is down: cloud3 comes back UN, but its gate waits for the whole ring
  // (cstar's rule), so the rollout stops there instead of taking the next node down too.
  const short = await variant(lab, 'short-gate', (doc) => {
    doc.services.cassandra!.gate = { timeout: 6 };
  });
  const blocked = await runCli(short, 'restart', 'cassandra', '-H', 'cloud[3-4]');
  assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
  assert.match(
    blocked.stdout,
    new RegExp(`cassandra#0@cloud3  gate: FAILED after .*it sees peers not up: ${dead} DN`),
  );
  assert.doesNotMatch(
    blocked.stdout,
    /cassandra#0@cloud4 +(stop|start)/,
    'cloud4 was never taken down',
  );
  const again = await runCli(lab.servicesFile, 'start', 'cassandra', '-H', 'cloud5');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(
    (await statusOf(dep, 'cassandra')).map((s) => [s.health?.state, s.health?.detail]),
    Array(3).fill(['running', undefined]),
  );
  const healed = await runCli(lab.servicesFile, 'restart', 'cassandra', '-H', 'cloud3');
  assert.equal(healed.code, 0, healed.stdout + healed.stderr);
}

export async function cassandraGate(lab: Lab, dep: Deployment): Promise<void> {
  await startWaitsForUN(lab);
  await deadPeer(lab, dep);
}
