// Apply a plan: batch by batch; the units of a batch in parallel (bounded by the fan-out window).
// A failed unit is quarantined and the rollout goes on while failures stay within the budget;
// once the budget is exceeded no further batch starts (units already running finish).
import pLimit from 'p-limit';
import { applyUnit, type UnitContext, type UnitResult } from './apply-unit.js';
import type { NewRecord } from './journal/journal.js';
import { journaling } from './journal/journal-events.js';
import { firstUnfinished, type Replay } from './journal/replay.js';
import type { Batch, Plan, PlannedUnit, RolloutResult, UnitFailure } from './types.js';

export interface ApplyContext extends UnitContext {
  /** Where the journal records go; they are derived from the events (journal/journal-events.ts). */
  record: (r: NewRecord) => void;
  /** Units in flight at once within a batch (the deployment's ssh.concurrency). */
  concurrency: number;
  /** A resumed run: what the journal says is already finished. */
  resume?: Replay;
  /** Start no further batch (units in flight finish): the lock was lost. The run is then interrupted. */
  halt?: AbortSignal;
}

interface Tally {
  done: string[];
  failed: UnitFailure[];
  interrupted: string[];
  budgetExceeded: boolean;
}

export async function applyPlan(plan: Plan, given: ApplyContext): Promise<RolloutResult> {
  const ctx: ApplyContext = { ...given, emit: journaling(given.emit, given.record) };
  const t: Tally = {
    done: [],
    failed: [...(ctx.resume?.failures ?? [])],
    interrupted: [],
    budgetExceeded: false,
  };
  const finished = (pu: PlannedUnit): boolean => ctx.resume?.units.get(pu.id)?.state !== undefined;
  for (const pu of plan.batches.flatMap((b) => b.units)) {
    if (ctx.resume?.units.get(pu.id)?.state === 'done') {
      t.done.push(pu.id);
    }
  }
  const limit = pLimit(Math.max(1, ctx.concurrency));
  let next = 0;
  for (; next < plan.batches.length; next++) {
    if (ctx.signal?.aborted || ctx.halt?.aborted) {
      break;
    }
    if (t.failed.length > plan.budget) {
      declareBudgetExceeded(plan, t, ctx);
      break;
    }
    const batch = plan.batches[next]!;
    const todo = batch.units.filter((pu) => !finished(pu));
    if (!todo.length) {
      continue; // finished before a resume
    }
    ctx.emit({
      kind: 'batch-start',
      index: batch.index,
      total: plan.batches.length,
      service: batch.service,
      op: batch.op,
      units: todo.map((u) => u.id),
    });
    await Promise.all(
      todo.map((pu) =>
        limit(async () => {
          const r = await applyUnit(pu, firstUnfinished(ctx.resume?.units.get(pu.id)), ctx);
          count(plan, t, pu, r, ctx);
        }),
      ),
    );
  }
  const notStarted = plan.batches
    .slice(next)
    .flatMap((b: Batch) => b.units.filter((pu) => !finished(pu)).map((pu) => pu.id));
  const stopped =
    (ctx.signal?.aborted || ctx.halt?.aborted) && notStarted.length > 0 && !t.budgetExceeded;
  let state: 'interrupted' | 'failed' | 'done' = 'done';
  if (t.interrupted.length || stopped) {
    state = 'interrupted';
  } else if (t.failed.length) {
    state = 'failed';
  }
  return {
    state,
    done: t.done,
    failed: t.failed,
    notStarted: [...t.interrupted, ...notStarted],
    budgetExceeded: t.budgetExceeded,
  };
}

function count(plan: Plan, t: Tally, pu: PlannedUnit, r: UnitResult, ctx: ApplyContext): void {
  if (r.outcome === 'done') {
    t.done.push(pu.id);
  } else if (r.outcome === 'interrupted') {
    t.interrupted.push(pu.id);
  } else {
    t.failed.push(r.failure);
    ctx.emit({
      kind: 'quarantined',
      failure: r.failure,
      failures: t.failed.length,
      budget: plan.budget,
    });
  }
}

/**
 * Mark the tally over budget and say so (journal, event), once per rollout. Checked before each
 * batch, so a resumed run that was already over budget does not go on.
 */
function declareBudgetExceeded(plan: Plan, t: Tally, ctx: ApplyContext): void {
  if (!t.budgetExceeded) {
    t.budgetExceeded = true;
    const notStarted = plan.batches
      .flatMap((b) => b.units)
      .filter((pu) => !t.done.includes(pu.id) && !t.failed.some((f) => f.unit === pu.id))
      .map((pu) => pu.id);
    ctx.emit({
      kind: 'budget-exceeded',
      failures: t.failed.length,
      budget: plan.budget,
      notStarted,
    });
  }
}
