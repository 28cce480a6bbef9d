import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan } from '../../admin/rollout/apply.js';
import { buildPlan } from '../../admin/rollout/plan/plan.js';
import type { RolloutEvent } from '../../admin/rollout/events.js';
import type { NewRecord } from '../../admin/rollout/journal/journal.js';
import type { Plan, RolloutRequest } from '../../admin/rollout/types.js';
import { FakeFleet, fakeKind, inventoryOf, lookupOf } from './fakes.js';

const inv = inventoryOf(
  ['w1', 'w2', 'w3', 'w4', 'w5'].map((name) => ({ name })),
  [{ kind: 'hub', hosts: ['w1', 'w2', 'w3', 'w4', 'w5'] }],
);
const kinds = lookupOf(fakeKind('hub'));

function plan(over: Partial<RolloutRequest> = {}): Plan {
  return buildPlan(
    inv,
    kinds,
    {
      op: 'restart',
      target: 'hub',
      batch: { kind: 'count', n: 1 },
      wait: true,
      budget: { kind: 'count', n: 0 },
      rolling: false,
      ignorePlacement: false,
      options: {},
      ...over,
    },
    over.hosts ? [over.hosts] : undefined,
  );
}

function run(p: Plan, fleet: FakeFleet, signal?: AbortSignal) {
  const events: RolloutEvent[] = [];
  const records: NewRecord[] = [];
  const done = applyPlan(p, {
    inv,
    exec: fleet.exec,
    emit: (e) => events.push(e),
    record: (r) => records.push(r),
    concurrency: 64,
    ...(signal ? { signal } : {}),
  });
  return done.then((result) => ({ result, events, records }));
}

const kinds_ = (events: RolloutEvent[]): string[] => events.map((e) => e.kind);

test('serial restart: each unit stops, starts and passes its gate before the next begins', async () => {
  const fleet = new FakeFleet();
  const { result, events } = await run(plan(), fleet);
  assert.equal(result.state, 'done');
  assert.equal(result.done.length, 5);
  assert.deepEqual(fleet.ran.slice(0, 4), [
    'stop hub#0@w1',
    'start hub#0@w1',
    'stop hub#0@w2',
    'start hub#0@w2',
  ]);
  // Each probe of the gate reports what it waits for (gate-wait) before the gate passes.
  assert.deepEqual(kinds_(events).slice(0, 9), [
    'batch-start',
    'step-start',
    'step-end',
    'step-start',
    'step-end',
    'gate-wait',
    'gate-wait',
    'gate-pass',
    'unit-done',
  ]);
  const pass = events.find((e) => e.kind === 'gate-pass');
  assert.ok(pass?.kind === 'gate-pass' && pass.passes === 2);
});

test('a batch runs its units in parallel and the next batch waits for all of them', async () => {
  const fleet = new FakeFleet();
  fleet.delayMs = 5;
  const { events } = await run(plan({ batch: { kind: 'count', n: 3 } }), fleet);
  assert.equal(fleet.maxInFlight, 3);
  const order = events
    .filter((e) => e.kind === 'batch-start' || e.kind === 'unit-done')
    .map((e) => e.kind);
  assert.deepEqual(order, [
    'batch-start',
    'unit-done',
    'unit-done',
    'unit-done',
    'batch-start',
    'unit-done',
    'unit-done',
  ]);
});

test('budget 0: the first failure quarantines its unit and no further batch starts', async () => {
  const fleet = new FakeFleet();
  fleet.failStep.add('start hub#0@w2');
  const { result, events, records } = await run(plan(), fleet);
  assert.equal(result.state, 'failed');
  assert.equal(result.budgetExceeded, true);
  assert.deepEqual(
    result.failed.map((f) => f.unit),
    ['hub#0@w2'],
  );
  assert.match(result.failed[0]!.reason, /step "start" on w2 failed \(exit 1\)/);
  assert.deepEqual(result.notStarted, ['hub#0@w3', 'hub#0@w4', 'hub#0@w5']);
  assert.equal(fleet.ran.filter((s) => s.endsWith('@w3')).length, 0, 'w3 was touched');
  const exceeded = events.find((e) => e.kind === 'budget-exceeded');
  assert.ok(
    exceeded?.kind === 'budget-exceeded' && exceeded.failures === 1 && exceeded.budget === 0,
  );
  assert.ok(records.some((r) => r.t === 'budget-exceeded'));
});

test('budget 1: one failure is tolerated, the second stops the rollout', async () => {
  const fleet = new FakeFleet();
  fleet.failStep.add('start hub#0@w2');
  const one = await run(plan({ budget: { kind: 'count', n: 1 } }), fleet);
  assert.equal(one.result.state, 'failed');
  assert.equal(one.result.budgetExceeded, false);
  assert.equal(one.result.done.length, 4);
  fleet.failStep.add('start hub#0@w3');
  const two = await run(plan({ budget: { kind: 'percent', p: 20 } }), fleet);
  assert.equal(two.result.budgetExceeded, true);
  assert.deepEqual(two.result.notStarted, ['hub#0@w4', 'hub#0@w5']);
});

test('a unit that never gets healthy is quarantined with its log tail', async () => {
  const fleet = new FakeFleet();
  fleet.unhealthy.add('hub#0@w1');
  const { result, events } = await run(plan({ budget: { kind: 'count', n: 1 } }), fleet);
  const q = events.find((e) => e.kind === 'quarantined');
  assert.ok(q?.kind === 'quarantined');
  assert.equal(q.failure.logTail, 'last log line of hub#0@w1');
  assert.match(q.failure.reason, /not running 2× in a row/);
  assert.ok(events.some((e) => e.kind === 'gate-fail'));
  assert.equal(result.done.length, 4);
});

test('the gate needs consecutive passes: a flapping unit resets the count', async () => {
  const fleet = new FakeFleet();
  fleet.flap.set('hub#0@w1', 2);
  const { result } = await run(plan({ hosts: 'w1' }), fleet);
  assert.equal(result.state, 'done');
  assert.equal(fleet.probes.filter((p) => p === 'hub#0@w1').length, 4);
});

test('upgrade: the gate waits for the new version', async () => {
  const fleet = new FakeFleet();
  const { result } = await run(plan({ op: 'upgrade', options: { version: '2.0' } }), fleet);
  assert.equal(result.state, 'done');
  assert.equal(fleet.version.get('hub#0@w5'), '2.0');
});

test('--no-wait: no probes at all', async () => {
  const fleet = new FakeFleet();
  const { result } = await run(plan({ wait: false }), fleet);
  assert.equal(result.state, 'done');
  assert.equal(fleet.probes.length, 0);
});

test('an unreachable host fails its unit as unreachable', async () => {
  const fleet = new FakeFleet();
  fleet.unreachable.add('w1');
  const { result } = await run(plan({ budget: { kind: 'count', n: 5 } }), fleet);
  assert.equal(result.failed[0]!.unreachable, true);
  assert.equal(result.done.length, 4);
});

test('interrupted mid-batch: the run says interrupted and lists what did not finish', async () => {
  const fleet = new FakeFleet();
  const ctl = new AbortController();
  fleet.afterStep = (n) => {
    if (n === 3) {
      ctl.abort();
    }
  };
  const { result, records } = await run(plan(), fleet, ctl.signal);
  assert.equal(result.state, 'interrupted');
  assert.deepEqual(result.done, ['hub#0@w1']);
  assert.deepEqual(result.notStarted, ['hub#0@w2', 'hub#0@w3', 'hub#0@w4', 'hub#0@w5']);
  // w2's stop finished; its start never ran: nothing recorded it as failed.
  assert.ok(!records.some((r) => r.t === 'unit' && r.state === 'failed'));
});
