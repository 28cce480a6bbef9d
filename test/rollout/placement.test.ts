// Placement-aware batching, property-style: random deployments (VMs on shared physical hosts,
// racks, haproxy backends, several instances per host) and random batch sizes; every plan must
// keep the rules, place every unit exactly once and never exceed the batch size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, perHostOf } from '../../admin/rollout/plan/plan.js';
import {
  backendTotals,
  batchUnits,
  placementOf,
  type Placed,
} from '../../admin/rollout/plan/placement.js';
import type { BatchSpec, RolloutRequest } from '../../admin/rollout/types.js';
import type { Inventory } from '../../admin/inventory/types.js';
import { unitId } from '../../admin/services/types.js';
import { fakeKind, inventoryOf, lookupOf, type HostDef } from './fakes.js';

/** mulberry32: a seeded PRNG, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]!;

interface Case {
  inv: Inventory;
  racks: Map<string, string>;
  batch: BatchSpec;
  service: string;
}

/** A deployment: physical hosts, guests on them, a service on the guests with racks or a backend. */
function randomCase(seed: number): Case {
  const r = rng(seed);
  const physical = Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => `cloud${i + 1}`);
  const guests: HostDef[] = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, i) => ({
    name: `g${i + 1}`,
    ...(r() < 0.8 ? { vmOn: pick(r, physical) } : {}),
  }));
  const on = guests.filter(() => r() < 0.8);
  const hosts = on.length ? on : guests.slice(0, 1);
  const service = pick(r, ['hub', 'cassandra']);
  const racks = new Map(hosts.map((h) => [h.name, `RAC${Math.floor(r() * 3)}`]));
  const inv = inventoryOf(
    [...physical.map((name) => ({ name })), ...guests],
    [
      {
        kind: service,
        hosts: hosts.map((h) => h.name),
        instances: service === 'hub' ? 1 + Math.floor(r() * 3) : 1,
      },
      ...(service === 'hub'
        ? [{ kind: 'haproxy', hosts: ['cloud1'], options: { backends: ['hub'] } }]
        : []),
    ],
  );
  const batch: BatchSpec = pick(r, [
    { kind: 'all' },
    { kind: 'count', n: 1 + Math.floor(r() * 6) },
    { kind: 'percent', p: 1 + Math.floor(r() * 100) },
  ]);
  return { inv, racks, batch, service };
}

function request(c: Case): RolloutRequest {
  return {
    op: 'restart',
    target: c.service,
    batch: c.batch,
    wait: false,
    budget: { kind: 'count', n: 0 },
    rolling: false,
    ignorePlacement: false,
    options: {},
  };
}

test('random deployments: every batch keeps the placement rules, every unit is placed once', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const c = randomCase(seed);
    // The kind reports racks only; physical hosts and backends come from the services file.
    const kinds = lookupOf(
      fakeKind(c.service, {
        placement: (h) => (c.service === 'cassandra' ? { rack: c.racks.get(h)! } : {}),
      }),
    );
    const plan = buildPlan(c.inv, kinds, request(c));
    const units = plan.batches.flatMap((b) => b.units);
    const ids = units.map((u) => u.id);
    const all = kinds(c.service)!.units(c.inv);
    assert.equal(new Set(ids).size, ids.length, `seed ${seed}: a unit is in two batches`);
    assert.equal(ids.length, all.length, `seed ${seed}: a unit is missing`);
    const placed = all.map((u) => placementOf(unitId(u), u, c.inv));
    const totals = backendTotals(placed);
    for (const b of plan.batches) {
      const p = b.units.map((u) => placementOf(u.id, u.unit, c.inv));
      let size = Infinity;
      if (c.batch.kind === 'count') {
        size = c.batch.n;
      } else if (c.batch.kind !== 'all') {
        size = Math.max(1, Math.floor((all.length * c.batch.p) / 100));
      }
      assert.ok(
        p.length >= 1 && p.length <= size,
        `seed ${seed}: batch of ${p.length} over ${size}`,
      );
      if (p.length < 2) {
        continue;
      }
      assert.equal(
        new Set(p.map((x) => x.physical)).size,
        p.length,
        `seed ${seed}: two units on one physical host in ${b.units.map((u) => u.id)}`,
      );
      const racks = p.filter((x) => x.rack !== undefined).map((x) => x.rack);
      assert.equal(new Set(racks).size, racks.length, `seed ${seed}: two units of one rack`);
      for (const [backend, total] of totals) {
        if (total > 1) {
          assert.ok(
            p.filter((x) => x.backends.includes(backend)).length < total,
            `seed ${seed}: all of backend ${backend} in one batch`,
          );
        }
      }
    }
  }
});

test('VMs of one physical host are kept apart even when the kind leaves physical out', () => {
  const inv = inventoryOf(
    [
      { name: 'cloud1' },
      { name: 'db1', vmOn: 'cloud1' },
      { name: 'db2', vmOn: 'cloud1' },
      { name: 'db3', vmOn: 'cloud2' },
    ],
    [{ kind: 'cassandra', hosts: ['db1', 'db2', 'db3'] }],
  );
  const plan = buildPlan(inv, lookupOf(fakeKind('cassandra')), {
    ...request({ inv, racks: new Map(), batch: { kind: 'all' }, service: 'cassandra' }),
  });
  assert.deepEqual(
    plan.batches.map((b) => b.units.map((u) => u.unit.host)),
    [['db1', 'db3'], ['db2']],
  );
  assert.match(
    plan.batches[0]!.splitBy![0]!,
    /cassandra#0@db2 shares physical host cloud1 with cassandra#0@db1/,
  );
});

test('a batch never holds every server of a haproxy backend', () => {
  const inv = inventoryOf(
    [{ name: 'w1' }, { name: 'w2' }, { name: 'edge' }],
    [
      { kind: 'hub', hosts: ['w1', 'w2'] },
      { kind: 'haproxy', hosts: ['edge'], options: { backends: ['hub', 'nginx'] } },
    ],
  );
  const plan = buildPlan(
    inv,
    lookupOf(fakeKind('hub')),
    request({ inv, racks: new Map(), batch: { kind: 'all' }, service: 'hub' }),
  );
  assert.deepEqual(
    plan.batches.map((b) => b.units.length),
    [1, 1],
  );
  assert.match(plan.batches[0]!.splitBy![0]!, /every server of backend hub/);
  // -H on one of them: the other still serves, so nothing to split.
  const one = buildPlan(
    inv,
    lookupOf(fakeKind('hub')),
    { ...request({ inv, racks: new Map(), batch: { kind: 'all' }, service: 'hub' }), hosts: 'w1' },
    ['w1'],
  );
  assert.equal(one.batches.length, 1);
});

test('racks: a storm-like ring restarts at most one node per rack at a time', () => {
  const racks = ['RAC0', 'RAC0', 'RAC1', 'RAC1', 'RAC2', 'RAC2', 'RAC2'];
  const units: Placed[] = racks.map((rack, i) => ({
    id: `db${i + 1}`,
    physical: `cloud${i + 1}`,
    rack,
    backends: [],
  }));
  const batches = batchUnits(units, Infinity, new Map());
  assert.deepEqual(
    batches.map((b) => b.members.map((m) => m.id)),
    [['db1', 'db3', 'db5'], ['db2', 'db4', 'db6'], ['db7']],
  );
  assert.deepEqual(
    batchUnits(units, Infinity, new Map(), false).map((b) => b.members.length),
    [7],
  );
  assert.equal(backendTotals(units).size, 0);
});

test('per host: at most N units of one physical host in a batch (vm start all --per-host N)', () => {
  // Five guests: three on cloud1, two on cloud2, in services-file order.
  const units: Placed[] = ['cloud1', 'cloud1', 'cloud1', 'cloud2', 'cloud2'].map((p, i) => ({
    id: `vm${i + 1}`,
    physical: p,
    backends: [],
  }));
  const ids = (perHost: number) =>
    batchUnits(units, Infinity, new Map(), true, perHost).map((b) => b.members.map((m) => m.id));
  assert.deepEqual(ids(1), [['vm1', 'vm4'], ['vm2', 'vm5'], ['vm3']]);
  assert.deepEqual(ids(2), [['vm1', 'vm2', 'vm4', 'vm5'], ['vm3']]);
  assert.deepEqual(ids(3), [['vm1', 'vm2', 'vm3', 'vm4', 'vm5']]);
  assert.match(
    batchUnits(units, Infinity, new Map(), true, 2)[0]!.splitBy.join(';'),
    /vm3: 2 units of physical host cloud1 in this batch already/,
  );
});

test('per host: --per-host wins; the service per_host counts for start and stop only', () => {
  const inv = {
    services: new Map([['vm', { options: { per_host: 3 } }]]),
  } as unknown as Inventory;
  const req = (op: RolloutRequest['op'], perHost?: number) =>
    ({ op, ...(perHost !== undefined ? { perHost } : {}) }) as RolloutRequest;
  assert.equal(perHostOf(inv, req('start'), 'vm'), 3);
  assert.equal(perHostOf(inv, req('stop'), 'vm'), 3);
  assert.equal(perHostOf(inv, req('restart'), 'vm'), 1, 'a restart keeps one guest per host down');
  assert.equal(perHostOf(inv, req('restart', 2), 'vm'), 2);
  assert.equal(perHostOf(inv, req('start', 1), 'vm'), 1);
  assert.equal(perHostOf(inv, req('start'), 'hub'), 1);
});
