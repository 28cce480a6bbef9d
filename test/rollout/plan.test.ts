import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../admin/errors.js';
import { buildPlan } from '../../admin/rollout/plan/plan.js';
import { parseSize, resolveSize } from '../../admin/rollout/plan/size.js';
import type { RolloutRequest } from '../../admin/rollout/types.js';
import { fakeKind, inventoryOf, lookupOf } from './fakes.js';

const hosts = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((name) => ({ name }));
const inv = inventoryOf(hosts, [
  { kind: 'cassandra', hosts: ['h1', 'h2', 'h3'] },
  { kind: 'vm', hosts: ['h4'] },
  { kind: 'hub', hosts: ['h4', 'h5', 'h6'], instances: 2 },
  { kind: 'nginx', hosts: ['h4', 'h5', 'h6'] },
]);
const kinds = lookupOf(fakeKind('cassandra'), fakeKind('hub'), fakeKind('nginx'));

function req(over: Partial<RolloutRequest>): RolloutRequest {
  return {
    op: 'restart',
    target: 'nginx',
    batch: { kind: 'count', n: 1 },
    wait: true,
    budget: { kind: 'count', n: 0 },
    rolling: false,
    ignorePlacement: false,
    options: {},
    ...over,
  };
}

const shape = (r: RolloutRequest, h?: string[]): string[][] =>
  buildPlan(inv, kinds, r, h).batches.map((b) => b.units.map((u) => u.id));

test('serial: one unit per batch, in services-file order', () => {
  assert.deepEqual(shape(req({})), [['nginx#0@h4'], ['nginx#0@h5'], ['nginx#0@h6']]);
});

test('parallel: everything that placement allows at once', () => {
  assert.deepEqual(shape(req({ batch: { kind: 'all' } })), [
    ['nginx#0@h4', 'nginx#0@h5', 'nginx#0@h6'],
  ]);
});

test('--batch N and P% (percentages round down, at least 1)', () => {
  assert.deepEqual(shape(req({ batch: { kind: 'count', n: 2 } })), [
    ['nginx#0@h4', 'nginx#0@h5'],
    ['nginx#0@h6'],
  ]);
  assert.deepEqual(
    shape(req({ batch: { kind: 'percent', p: 50 } })).map((b) => b.length),
    [1, 1, 1],
  );
  assert.deepEqual(
    shape(req({ batch: { kind: 'percent', p: 70 } })).map((b) => b.length),
    [2, 1],
  );
});

test('two instances on one host never share a batch', () => {
  const batches = shape(req({ target: 'hub', batch: { kind: 'all' } }));
  assert.deepEqual(batches, [
    ['hub#0@h4', 'hub#0@h5', 'hub#0@h6'],
    ['hub#1@h4', 'hub#1@h5', 'hub#1@h6'],
  ]);
  assert.deepEqual(
    shape(req({ target: 'hub', batch: { kind: 'all' }, ignorePlacement: true })).map(
      (b) => b.length,
    ),
    [6],
  );
});

test('all: file order to start and restart, reverse to stop; kinds Salvo lacks are skipped with a reason', () => {
  const services = (op: RolloutRequest['op']): string[] => [
    ...new Set(buildPlan(inv, kinds, req({ op, target: 'all' })).batches.map((b) => b.service)),
  ];
  assert.deepEqual(services('start'), ['cassandra', 'hub', 'nginx']);
  assert.deepEqual(services('restart'), ['cassandra', 'hub', 'nginx']);
  assert.deepEqual(services('stop'), ['nginx', 'hub', 'cassandra']);
  const plan = buildPlan(inv, kinds, req({ op: 'start', target: 'all' }));
  assert.deepEqual(
    plan.skipped.map((s) => s.service),
    ['vm'],
  );
  assert.equal(plan.units, 3 + 6 + 3);
});

test('steps and gates come from the kind; stop waits for stopped, upgrade for the version', () => {
  const plan = buildPlan(
    inv,
    kinds,
    req({ op: 'upgrade', target: 'hub', options: { version: '2.0' } }),
  );
  const first = plan.batches[0]!.units[0]!;
  assert.deepEqual(
    first.steps.map((s) => s.name),
    ['stop', 'install', 'start'],
  );
  assert.deepEqual(
    { expect: first.gate!.expect, version: first.gate!.version },
    { expect: 'running', version: '2.0' },
  );
  const stop = buildPlan(inv, kinds, req({ op: 'stop' })).batches[0]!.units[0]!;
  assert.equal(stop.gate!.expect, 'stopped');
  assert.equal(buildPlan(inv, kinds, req({ wait: false })).batches[0]!.units[0]!.gate, undefined);
});

test('--rolling is serial with gates whatever else was asked', () => {
  const plan = buildPlan(
    inv,
    kinds,
    req({ target: 'hub', rolling: true, batch: { kind: 'all' }, wait: false }),
  );
  assert.equal(plan.batches.length, 6);
  assert.ok(plan.batches.every((b) => b.units.length === 1 && b.units[0]!.gate));
});

test('-H restricts units to the node set', () => {
  assert.deepEqual(shape(req({ target: 'hub', hosts: 'h5' }), ['h5']), [
    ['hub#0@h5'],
    ['hub#1@h5'],
  ]);
  assert.throws(
    () => buildPlan(inv, kinds, req({ target: 'hub', hosts: 'h1' }), ['h1']),
    /hub runs on none of h1/,
  );
  assert.deepEqual(
    buildPlan(inv, kinds, req({ target: 'all', op: 'start', hosts: 'h1' }), ['h1']).batches.map(
      (b) => b.service,
    ),
    ['cassandra'],
  );
});

test('usage errors say what to do', () => {
  assert.throws(
    () => buildPlan(inv, kinds, req({ target: 'ngnix' })),
    (e: unknown) => e instanceof UsageError && /did you mean `nginx`/.test(e.message),
  );
  assert.throws(() => buildPlan(inv, kinds, req({ target: 'vm' })), /no service kind/);
  assert.throws(() => buildPlan(inv, kinds, req({ op: 'upgrade', target: 'hub' })), /--version/);
  assert.throws(
    () => buildPlan(inv, kinds, req({ op: 'upgrade', target: 'all', options: { version: '1' } })),
    /one service/,
  );
});

test('budget: a count, or a percentage of the units rounded down', () => {
  assert.equal(
    buildPlan(inv, kinds, req({ target: 'hub', budget: { kind: 'percent', p: 34 } })).budget,
    2,
  );
  assert.equal(buildPlan(inv, kinds, req({ budget: { kind: 'percent', p: 10 } })).budget, 0);
  assert.deepEqual(parseSize('25%', '--batch'), { kind: 'percent', p: 25 });
  assert.deepEqual(parseSize('0', '--budget', true), { kind: 'count', n: 0 });
  assert.throws(() => parseSize('0', '--batch'), /--batch: expected a count \(1 or more\)/);
  assert.throws(() => parseSize('150%', '--batch'), UsageError);
  assert.throws(() => parseSize('x', '--budget', true), UsageError);
  assert.equal(resolveSize({ kind: 'percent', p: 1 }, 10, 1), 1);
});

test("the services file's gate: overrides the kind's, key by key, seconds to ms", () => {
  const tuned = inventoryOf(hosts, [
    {
      kind: 'cassandra',
      hosts: ['h1', 'h2', 'h3'],
      options: { gate: { timeout: 7200, interval: 10 } },
    },
    { kind: 'nginx', hosts: ['h4'] },
  ]);
  const gateOf = (target: string) =>
    buildPlan(tuned, kinds, req({ target })).batches[0]!.units[0]!.gate!;
  assert.deepEqual(gateOf('cassandra'), {
    expect: 'running',
    passes: 2,
    intervalMs: 10_000,
    timeoutMs: 7_200_000,
  });
  assert.deepEqual(
    gateOf('nginx'),
    { expect: 'running', passes: 2, intervalMs: 1, timeoutMs: 100 },
    'the kind default',
  );
});
