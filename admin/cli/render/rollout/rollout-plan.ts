// A rollout plan for people: the header line every run prints, and the full listing of
// `--dry-run` (batches, each unit's steps with their commands, the health gates).
import { formatSeconds } from '../duration.js';
import { describeBatch, describeSize } from '../../../rollout/plan/size.js';
import type { BatchView, PlanView, StepView } from '../../../rollout/plan/plan-view.js';
import type { GateSpec, RolloutRequest } from '../../../rollout/types.js';

function plural(n: number, word: string): string {
  if (n === 1) {
    return `${n} ${word}`;
  }
  return `${n} ${word}${/(s|ch)$/.test(word) ? 'es' : 's'}`;
}
const seconds = (ms: number): string => formatSeconds(ms, { trim: true });

/** `restart hub on cloud[1-2]: 4 units in 4 batches (serial), health gates on, failure budget 0` */
export function planHeadline(req: RolloutRequest, plan: PlanView): string {
  const what = `${req.op} ${req.target}${req.hosts ? ` on ${req.hosts}` : ''}${req.options.version ? ` to version ${req.options.version}` : ''}`;
  const mode = `${describeBatch(req.batch)}${req.rolling ? ', rolling' : ''}${req.ignorePlacement ? ', placement ignored' : ''}${req.perHost !== undefined ? `, ${req.perHost} per physical host` : ''}`;
  const budget =
    req.budget.kind === 'percent'
      ? `${describeSize(req.budget)} = ${plan.budget}`
      : String(plan.budget);
  return (
    `${what}: ${plural(plan.units, 'unit')} in ${plural(plan.batches.length, 'batch')} (${mode}), ` +
    `health gates ${req.wait ? 'on' : 'off'}, failure budget ${budget}`
  );
}

function describeGate(g: GateSpec): string {
  const version = g.version ? ` at version ${g.version}` : '';
  const ring = g.peersUp ? ', seeing every peer up' : '';
  return `${g.expect}${version}${ring} ${g.passes}× in a row (every ${seconds(g.intervalMs)}, within ${seconds(g.timeoutMs)})`;
}

function stepLine(s: StepView, i: number, unitHost: string, full: boolean): string {
  const where = s.host === unitHost ? '' : ` [on ${s.host}]`;
  const command = (full ? s.command : s.brief).split('\n').join('\n         ');
  return `      ${i + 1}. ${s.name}${where}: ${command}`;
}

function batchLines(b: BatchView, total: number, full: boolean): string[] {
  const head = `batch ${b.index + 1}/${total}: ${b.op} ${b.service} — ${b.units.map((u) => u.id).join(', ')}`;
  const split = b.splitBy?.length
    ? [`    (placement: ${b.splitBy.slice(0, 3).join('; ')}${b.splitBy.length > 3 ? ' …' : ''})`]
    : [];
  const units = b.units.flatMap((u) => [
    `    ${u.id}`,
    ...u.steps.map((s, i) => stepLine(s, i, u.host, full)),
    `      gate: ${u.gate ? describeGate(u.gate) : 'none (--no-wait)'}`,
  ]);
  return [head, ...split, ...units];
}

/** The whole plan; `full` prints scripts in full instead of `<script, N lines>`. */
export function renderPlan(req: RolloutRequest, plan: PlanView, full = false): string {
  const lines = [
    `plan: ${planHeadline(req, plan)}`,
    ...plan.batches.flatMap((b) => batchLines(b, plan.batches.length, full)),
    ...plan.skipped.map((s) => `skipped: ${s.service} — ${s.reason}`),
    ...(plan.notes ?? []).map((n) => `note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}
