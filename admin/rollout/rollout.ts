// A rollout end to end: plan, take the operator lock, journal, apply, release. Resume re-plans
// from the journaled request and continues where the journal says the run stopped.
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { applyPlan } from './apply.js';
import type { RolloutListener } from './events.js';
import { checkRunsDir, Journal, newRunId, whoAmI, type NewRecord } from './journal/journal.js';
import type { HeldLock, Locker } from './lock/lock.js';
import { buildPlan } from './plan/plan.js';
import { planDifference, viewPlan } from './plan/plan-view.js';
import { firstUnfinished } from './journal/replay.js';
import { findRun, loadRun } from './journal/runs.js';
import type { Executor, KindLookup, Plan, RolloutRequest, RolloutResult } from './types.js';

/** What a rollout acts through: a Deployment provides all of it; tests pass fakes. */
export interface RolloutDeps {
  inv: Inventory;
  exec: Executor;
  kinds: KindLookup;
  nodes: (expr: string) => string[];
  /** The operator lock; undefined runs unlocked (unit tests). */
  locker?: Locker;
  concurrency?: number;
}

export interface RolloutOptions {
  signal?: AbortSignal;
  onEvent?: RolloutListener;
  waitLockMs?: number;
  /**
   * Preparation that runs while the lock is taken (guests' host keys recorded before they boot):
   * awaited under the lock before anything is journaled or run; if it fails, nothing runs.
   */
  ready?: Promise<void>;
}

/** The plan for a request (pure apart from reading the inventory): what `--dry-run` prints. */
export function planRollout(deps: RolloutDeps, request: RolloutRequest): Plan {
  const hosts = request.hosts === undefined ? undefined : deps.nodes(request.hosts);
  if (hosts && !hosts.length) {
    throw new UsageError(`-H ${request.hosts}: no hosts`);
  }
  return buildPlan(deps.inv, deps.kinds, request, hosts);
}

export async function runRollout(
  deps: RolloutDeps,
  request: RolloutRequest,
  opts: RolloutOptions = {},
): Promise<RolloutResult> {
  const plan = planRollout(deps, request);
  checkRunsDir(deps.inv.dir); // before the lock: a local fault touches no host
  const runId = newRunId(plan.request.op, plan.request.target);
  const emit = opts.onEvent ?? (() => undefined);
  return withLock(
    deps,
    `${plan.request.op} ${plan.request.target} (${runId})`,
    opts,
    async (halt, signal) => {
      await opts.ready;
      const journal = Journal.create(deps.inv.dir, runId);
      const view = viewPlan(plan);
      journal.write({
        t: 'run',
        v: 1,
        runId,
        deployment: deps.inv.deployment,
        servicesFile: deps.inv.file,
        request: plan.request,
        plan: view,
        ...whoAmI(),
      });
      emit({ kind: 'plan', runId, request: plan.request, plan: view, dryRun: false });
      return finish(
        journal,
        runId,
        await applyPlan(
          plan,
          applyContext(deps, opts, halt, signal, (r) => journal.write(r)),
        ),
      );
    },
  );
}

export async function resumeRollout(
  deps: RolloutDeps,
  ref: string,
  opts: RolloutOptions = {},
): Promise<RolloutResult> {
  const runId = findRun(deps.inv.dir, ref);
  checkRunsDir(deps.inv.dir);
  const emit = opts.onEvent ?? (() => undefined);
  return withLock(deps, `resume ${runId}`, opts, async (halt, signal) => {
    // Read under the lock: nobody else can be appending to this journal now.
    // Under the lock no other run is going on: a journal without an end record was interrupted.
    const past = loadRun(deps.inv.dir, runId);
    const state = past.end ?? 'interrupted';
    if (state !== 'interrupted') {
      throw new UsageError(`run ${runId} is ${state}; only an interrupted run can be resumed`);
    }
    const plan = planRollout(deps, past.header.request);
    const diff = planDifference(past.header.plan, viewPlan(plan));
    if (diff) {
      throw new UsageError(
        `run ${runId} cannot be resumed: the plan changed since it started (${diff}); start a new run`,
      );
    }
    const journal = Journal.append(deps.inv.dir, runId);
    const trimmed = journal.trimmedBytes;
    journal.write({ t: 'attempt', ...whoAmI(), ...(trimmed ? { trimmedBytes: trimmed } : {}) });
    const damage = [
      ...past.damage.filter((d) => !(trimmed && d.includes('torn last record'))),
      ...(trimmed ? [`a torn last record (${trimmed} bytes) was cut before appending`] : []),
    ];
    const partial = [...past.units].filter(([, p]) => p.state === undefined && p.okSteps.size > 0);
    emit({ kind: 'plan', runId, request: plan.request, plan: viewPlan(plan), dryRun: false });
    emit({
      kind: 'resume',
      runId,
      done: [...past.units].filter(([, p]) => p.state === 'done').map(([id]) => id),
      failed: past.failures.map((f) => f.unit),
      partial: partial.map(([unit, p]) => ({ unit, fromStep: firstUnfinished(p) })),
      ...(damage.length ? { damage } : {}),
    });
    const ctx = {
      ...applyContext(deps, opts, halt, signal, (r: NewRecord) => journal.write(r)),
      resume: past,
    };
    return finish(journal, runId, await applyPlan(plan, ctx));
  });
}

function applyContext(
  deps: RolloutDeps,
  opts: RolloutOptions,
  halt: AbortSignal,
  signal: AbortSignal,
  record: (r: NewRecord) => void,
) {
  return {
    inv: deps.inv,
    exec: deps.exec,
    emit: opts.onEvent ?? (() => undefined),
    record,
    halt,
    concurrency: deps.concurrency ?? deps.inv.ssh.concurrency,
    signal,
  };
}

function finish(journal: Journal, runId: string, result: RolloutResult): RolloutResult {
  journal.write({ t: 'end', state: result.state });
  journal.close();
  return { ...result, runId };
}

/**
 * Hold the operator lock around `work`. If the lock is lost midway, no further batch starts
 * (`halt`): continuing unlocked could race another operator's run.
 */
async function withLock(
  deps: RolloutDeps,
  what: string,
  opts: RolloutOptions,
  work: (halt: AbortSignal, signal: AbortSignal) => Promise<RolloutResult>,
): Promise<RolloutResult> {
  const emit = opts.onEvent ?? (() => undefined);
  const started = Date.now();
  const halt = new AbortController();
  // Lost lock: no further batch (halt), and the steps in flight are stopped as by Ctrl-C (another
  // operator may take the lock in seconds); the run ends interrupted, resumable.
  const stopAll = new AbortController();
  const outer = opts.signal;
  const onOuter = (): void => stopAll.abort();
  if (outer?.aborted) {
    stopAll.abort();
  }
  outer?.addEventListener('abort', onOuter, { once: true });
  let lock: HeldLock | undefined;
  if (deps.locker) {
    const where = deps.locker.where;
    lock = await deps.locker.acquire(
      { ...whoAmI(), startedAt: new Date().toISOString(), what },
      {
        waitMs: opts.waitLockMs ?? 0,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onWait: (holder) => emit({ kind: 'lock-wait', holder, lockHost: where }),
      },
    );
    emit({ kind: 'lock-acquired', lockHost: where });
    void lock.lost.then((reason) => {
      emit({ kind: 'lock-lost', reason });
      halt.abort();
      stopAll.abort();
    });
  }
  try {
    const result = await work(halt.signal, stopAll.signal);
    emit({ kind: 'done', result, durationMs: Date.now() - started });
    return result;
  } finally {
    outer?.removeEventListener('abort', onOuter);
    await lock?.release();
  }
}
