// The plan as data people and files can hold: commands in display form (secrets masked), no
// class instances. The journal stores it; resume compares it with a fresh plan.
import { display, Raw, type Command } from '../../transport/command.js';
import type { GateSpec, Plan } from '../types.js';

export interface StepView {
  name: string;
  host: string;
  command: string; // display form, in full
  brief: string; // the same with multi-line scripts shown as `<script, N lines>`, for the dry-run
  timeoutMs: number;
}

/** A command short enough for a plan listing: a script argument becomes a note of its length. */
export function briefDisplay(c: Command): string {
  return display({
    parts: c.parts.map((p) =>
      typeof p === 'string' && p.includes('\n')
        ? new Raw(`<script, ${p.split('\n').length} lines>`)
        : p,
    ),
  });
}
export interface UnitView {
  id: string;
  host: string;
  steps: StepView[];
  gate?: GateSpec;
}
export interface BatchView {
  index: number;
  service: string;
  op: string;
  units: UnitView[];
  splitBy?: string[];
}

export interface PlanView {
  units: number;
  budget: number;
  batches: BatchView[];
  skipped: { service: string; reason: string }[];
  notes?: string[];
}

export function viewPlan(plan: Plan): PlanView {
  return {
    units: plan.units,
    budget: plan.budget,
    skipped: plan.skipped,
    ...(plan.notes?.length ? { notes: plan.notes } : {}),
    batches: plan.batches.map((b) => ({
      index: b.index,
      service: b.service,
      op: b.op,
      ...(b.splitBy ? { splitBy: b.splitBy } : {}),
      units: b.units.map((u) => ({
        id: u.id,
        host: u.unit.host,
        steps: u.steps.map((s) => ({
          name: s.name,
          host: s.host,
          command: display(s.command),
          brief: briefDisplay(s.command),
          timeoutMs: s.timeoutMs,
        })),
        ...(u.gate ? { gate: u.gate } : {}),
      })),
    })),
  };
}

/**
 * What must not change between a run and its resume: which units, in which batches, doing which
 * commands. Timeouts and gate timings may be tuned between the two.
 */
export function planSignature(view: PlanView): string {
  return JSON.stringify(
    view.batches.map((b) =>
      b.units.map((u) => [u.id, u.steps.map((s) => [s.name, s.host, s.command])]),
    ),
  );
}

/** The first difference between two plans, in words, for a refused resume. */
export function planDifference(journaled: PlanView, fresh: PlanView): string | undefined {
  const ids = (v: PlanView): string[] => v.batches.flatMap((b) => b.units.map((u) => u.id));
  const [a, b] = [ids(journaled), ids(fresh)];
  const gone = a.filter((id) => !b.includes(id));
  const added = b.filter((id) => !a.includes(id));
  if (gone.length || added.length) {
    return [
      gone.length ? `no longer planned: ${gone.join(', ')}` : '',
      added.length ? `newly planned: ${added.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  }
  if (planSignature(journaled) !== planSignature(fresh)) {
    return 'the same units now have different batches or steps';
  }
  return undefined;
}
