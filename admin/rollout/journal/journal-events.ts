// The journal is written from the event stream: each event that changes what a resume must know
// (a step started or ended, a unit done or quarantined, the budget exceeded) becomes one record.
// The units report events only; nothing writes a record beside its event.
import type { RolloutEvent, RolloutListener } from '../events.js';
import type { NewRecord } from './journal.js';

/** The journal record an event stands for, or undefined for events a resume does not need. */
function journalRecordOf(e: RolloutEvent): NewRecord | undefined {
  switch (e.kind) {
    case 'step-start':
      return { t: 'step-start', unit: e.unit, step: e.step };
    case 'step-end':
      return {
        t: 'step-end',
        unit: e.unit,
        step: e.step,
        ok: e.ok,
        exitCode: e.exitCode,
        durationMs: e.durationMs,
        ...(e.failure ? { failure: e.failure.kind } : {}),
      };
    case 'unit-done':
      return { t: 'unit', unit: e.unit, state: 'done' };
    case 'quarantined': {
      const f = e.failure;
      return {
        t: 'unit',
        unit: f.unit,
        state: 'failed',
        reason: f.reason,
        unreachable: f.unreachable,
        host: f.host,
        ...(f.logTail ? { logTail: f.logTail } : {}),
      };
    }
    case 'budget-exceeded':
      return { t: 'budget-exceeded', failures: e.failures, budget: e.budget };
    default:
      return undefined;
  }
}

/** A listener that journals each event's record first, then passes the event on. */
export function journaling(emit: RolloutListener, record: (r: NewRecord) => void): RolloutListener {
  return (e) => {
    const r = journalRecordOf(e);
    if (r) {
      record(r);
    }
    emit(e);
  };
}
