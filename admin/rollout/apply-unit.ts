// Carry out one unit: its steps in order from `fromStep` (the first the journal does not show as
// finished), then its health gate. The first failing step fails the unit; nothing is retried.
import { failureText, isUnreachable } from '../fleet/outcome.js';
import type { Inventory } from '../inventory/types.js';
import type { Step } from '../services/types.js';
import { display } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';
import type { RolloutListener } from './events.js';
import { probeOnce, waitGate } from './gate.js';
import type { Executor, PlannedUnit, UnitFailure } from './types.js';

export interface UnitContext {
  inv: Inventory;
  exec: Executor;
  /** Every change a resume must know is an event; the journal is written from them (apply.ts). */
  emit: RolloutListener;
  signal?: AbortSignal;
}

export type UnitResult =
  | { outcome: 'done' }
  | { outcome: 'interrupted' }
  | { outcome: 'failed'; failure: UnitFailure };

/** The last lines of what a command printed: enough to see why it failed. */
export function tail(text: string, lines = 10): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function applyUnit(
  pu: PlannedUnit,
  fromStep: number,
  ctx: UnitContext,
): Promise<UnitResult> {
  for (let i = fromStep; i < pu.steps.length; i++) {
    const r = await runStep(pu, i, ctx);
    if (interrupted(r, ctx.signal)) {
      return { outcome: 'interrupted' };
    }
    if (!r.ok) {
      return { outcome: 'failed', failure: await stepFailure(pu, pu.steps[i]!, r, ctx) };
    }
  }
  if (pu.gate) {
    const gate = pu.gate;
    const g = await waitGate(pu, gate, ctx.inv, ctx.exec, ctx.signal, (p) =>
      ctx.emit({
        kind: 'gate-wait',
        unit: pu.id,
        expect: gate.expect,
        need: gate.passes,
        timeoutMs: gate.timeoutMs,
        ...p,
      }),
    );
    if (!g.ok && g.interrupted) {
      return { outcome: 'interrupted' };
    }
    if (!g.ok) {
      ctx.emit({
        kind: 'gate-fail',
        unit: pu.id,
        durationMs: g.durationMs,
        reason: g.reason,
        ...(g.health ? { health: g.health } : {}),
      });
      const logTail = g.health?.logTail;
      const failure = {
        unit: pu.id,
        host: pu.unit.host,
        reason: g.reason,
        unreachable: g.unreachable,
        ...(logTail ? { logTail } : {}),
      };
      return { outcome: 'failed', failure };
    }
    ctx.emit({
      kind: 'gate-pass',
      unit: pu.id,
      passes: g.passes,
      durationMs: g.durationMs,
      health: g.health,
    });
  }
  ctx.emit({ kind: 'unit-done', unit: pu.id });
  return { outcome: 'done' };
}

async function runStep(pu: PlannedUnit, i: number, ctx: UnitContext): Promise<CommandResult> {
  const step = pu.steps[i]!;
  ctx.emit({
    kind: 'step-start',
    unit: pu.id,
    step: i,
    steps: pu.steps.length,
    name: step.name,
    host: step.host,
    command: display(step.command),
  });
  const r = await ctx.exec(step.host, step.command, {
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
  });
  ctx.emit({
    kind: 'step-end',
    unit: pu.id,
    step: i,
    name: step.name,
    host: step.host,
    ok: r.ok,
    exitCode: r.exitCode,
    durationMs: r.durationMs,
    output: tail(`${r.stdout}${r.stderr}`),
    ...(r.failure ? { failure: r.failure } : {}),
  });
  return r;
}

/** A step killed by Ctrl-C is unfinished, not failed: resume runs it again. */
function interrupted(r: CommandResult, signal?: AbortSignal): boolean {
  return r.failure?.kind === 'aborted' || (!r.ok && !!signal?.aborted);
}

/** The step's own words, and the unit's log tail from one probe (why a start failed is in its log). */
async function stepFailure(
  pu: PlannedUnit,
  step: Step,
  r: CommandResult,
  ctx: UnitContext,
): Promise<UnitFailure> {
  const unreachable = isUnreachable(r);
  const probe = unreachable
    ? undefined
    : await probeOnce(pu, ctx.inv, ctx.exec, 5000, ctx.signal).catch(() => undefined);
  const logTail = probe?.health.logTail ?? tail(`${r.stdout}${r.stderr}`);
  return {
    unit: pu.id,
    host: pu.unit.host,
    reason: `step "${step.name}" on ${step.host} failed (${failureText(r)})`,
    unreachable,
    ...(logTail ? { logTail } : {}),
  };
}
