// The CLI side of rollouts without hosts: flags → request (every conflict), and what the
// operator reads (plan listing, quarantine with log tail, outcome with retry and resume hints).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../admin/errors.js';
import { requestFromFlags, waitLockMs } from '../../admin/cli/commands/rollout/ops-flags.js';
import { renderPlan } from '../../admin/cli/render/rollout/rollout-plan.js';
import { renderRolloutEvent, type RenderOptions } from '../../admin/cli/render/rollout/rollout.js';
import { renderRuns } from '../../admin/cli/render/rollout/runs.js';
import { buildPlan } from '../../admin/rollout/plan/plan.js';
import { viewPlan } from '../../admin/rollout/plan/plan-view.js';
import { fakeKind, inventoryOf, lookupOf } from './fakes.js';

test('flags: defaults per operation, and conflicts are usage errors', () => {
  assert.deepEqual(requestFromFlags('start', 'hub', { budget: '0' }).batch, { kind: 'all' });
  assert.deepEqual(requestFromFlags('restart', 'hub', { budget: '0' }).batch, {
    kind: 'count',
    n: 1,
  });
  const r = requestFromFlags('upgrade', 'hub', {
    budget: '10%',
    batch: '25%',
    version: '2.0',
    wait: false,
    drain: false,
    hosts: 'cloud[1-2]',
  });
  assert.deepEqual(r, {
    op: 'upgrade',
    target: 'hub',
    hosts: 'cloud[1-2]',
    batch: { kind: 'percent', p: 25 },
    wait: false,
    budget: { kind: 'percent', p: 10 },
    rolling: false,
    ignorePlacement: false,
    options: { version: '2.0', drain: false },
  });
  assert.throws(
    () => requestFromFlags('restart', 'hub', { budget: '0', serial: true, parallel: true }),
    /--serial and --parallel: choose one/,
  );
  assert.throws(
    () => requestFromFlags('restart', 'hub', { budget: '0', rolling: true, batch: '2' }),
    /--rolling already means one unit at a time; drop --batch/,
  );
  assert.throws(
    () => requestFromFlags('restart', 'hub', { budget: '0', rolling: true, wait: false }),
    /--no-wait/,
  );
  assert.throws(() => requestFromFlags('upgrade', 'hub', { budget: '0' }), UsageError);
  assert.equal(waitLockMs(undefined), 0);
  assert.equal(waitLockMs(true), Infinity);
  assert.equal(waitLockMs('2m'), 120_000);
});

const render: RenderOptions = {
  verbose: false,
  retry: ['salvo', 'restart', 'hub', '-H', '{hosts}'],
  resume: ['salvo', 'resume'],
};

test('the dry-run listing: batches, steps with commands, gates, placement splits', () => {
  const inv = inventoryOf(
    [
      { name: 'web1', vmOn: 'cloud1' },
      { name: 'web2', vmOn: 'cloud1' },
    ],
    [{ kind: 'hub', hosts: ['web1', 'web2'] }],
  );
  const request = requestFromFlags('restart', 'hub', { budget: '0', parallel: true });
  const plan = buildPlan(inv, lookupOf(fakeKind('hub')), request);
  assert.equal(
    renderPlan(plan.request, viewPlan(plan)),
    [
      'plan: restart hub: 2 units in 2 batches (parallel), health gates on, failure budget 0',
      'batch 1/2: restart hub — hub#0@web1',
      '    (placement: hub#0@web2 shares physical host cloud1 with hub#0@web1)',
      '    hub#0@web1',
      "      1. stop: fake stop 'hub#0@web1'",
      "      2. start: fake start 'hub#0@web1'",
      '      gate: running 2× in a row (every 0s, within 0.1s)',
      'batch 2/2: restart hub — hub#0@web2',
      '    hub#0@web2',
      "      1. stop: fake stop 'hub#0@web2'",
      "      2. start: fake start 'hub#0@web2'",
      '      gate: running 2× in a row (every 0s, within 0.1s)',
      '',
    ].join('\n'),
  );
});

test('a quarantined unit shows its reason and log tail; the outcome gives the retry set', () => {
  const failure = {
    unit: 'hub#0@web2',
    host: 'web2',
    reason: 'step "start" on web2 failed (exit 1)',
    unreachable: false,
    logTail: 'EADDRINUSE\nbye',
  };
  assert.equal(
    renderRolloutEvent({ kind: 'quarantined', failure, failures: 1, budget: 0 }, render),
    '  ✗ hub#0@web2 quarantined (1 failed, budget 0): step "start" on web2 failed (exit 1)\n    last lines of its log:\n      | EADDRINUSE\n      | bye\n',
  );
  const done = renderRolloutEvent(
    {
      kind: 'done',
      durationMs: 1500,
      result: {
        runId: 'r1',
        state: 'failed',
        done: ['hub#0@web1'],
        failed: [failure],
        notStarted: ['hub#0@web3'],
        budgetExceeded: true,
      },
    },
    render,
  );
  assert.match(done, /failed: 1 done, 1 failed, 1 not finished in 1\.5s — run r1/);
  assert.match(done, /retry: salvo restart hub -H web2\n/);
  const interrupted = renderRolloutEvent(
    {
      kind: 'done',
      durationMs: 10,
      result: {
        runId: 'r2',
        state: 'interrupted',
        done: [],
        failed: [],
        notStarted: ['a'],
        budgetExceeded: false,
      },
    },
    render,
  );
  assert.match(interrupted, /resume: salvo resume r2\n/);
});

test('salvo runs: aligned table and a hint for the last interrupted run', () => {
  const base = {
    op: 'restart',
    target: 'hub',
    startedAt: '2025-06-12T10:15:30.123Z',
    unitsFinished: 2,
    units: 8,
    failed: 0,
    by: 'alice@admin1',
  };
  const text = renderRuns([
    { ...base, runId: 'r-a', state: 'done' },
    { ...base, runId: 'r-b', state: 'interrupted', hosts: 'web[1-2]', failed: 1 },
  ]);
  assert.match(text, /^RUN {2}OPERATION\s+STARTED\s+STATE\s+PROGRESS\s+BY\n/);
  assert.match(
    text,
    /r-b {2}restart hub -H web\[1-2\] {2}2025-06-12 10:15:30Z {2}interrupted {2}2\/8 units, 1 failed {2}alice@admin1/,
  );
  assert.match(text, /resume the last interrupted run: salvo resume r-b/);
  assert.match(
    renderRuns([{ ...base, runId: 'r-c', state: 'interrupted' }], ['salvo', '-s', '/x/s.yaml']),
    /resume the last interrupted run: salvo -s \/x\/s\.yaml resume r-c\n/,
  );
  assert.match(renderRuns([]), /no runs yet/);
});
