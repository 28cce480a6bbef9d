// Rollout events as lines, live, one per transition; each line names its unit, so batches that
// run in parallel stay readable. The formatter map is typed: every event kind must be handled.
import { formatSeconds } from '../duration.js';
import { failureText } from '../../../fleet/outcome.js';
import { quote } from '../../../transport/command.js';
import { foldNodeSet } from '../../../inventory/nodeset.js';
import { describeHolder } from '../../../rollout/lock/fleet-lock.js';
import type { RolloutEvent } from '../../../rollout/events.js';
import type { RolloutResult } from '../../../rollout/types.js';
import { planHeadline } from './rollout-plan.js';
import { briefCommand } from '../events.js';

export interface RenderOptions {
  verbose: boolean;
  /** With verbose: each step's command in full (multi-line scripts included); `-vv`. */
  full?: boolean;
  /** argv to re-run the failed units: `{hosts}` is replaced by their hosts, folded. */
  retry: string[];
  /** argv prefix for `salvo … resume RUN`. */
  resume: string[];
  /** Gates being waited for: the last reading shown per unit, so that a line is printed when it
   * changes or every GATE_REPEAT_MS, not on every probe. */
  gates?: Map<string, { reason: string; at: number }>;
}

/** How often a gate that keeps waiting for the same reason is reported again. */
const GATE_REPEAT_MS = 30_000;

/** `gate: waiting for running 3× in a row (1 so far), 12.0s of 120s: stopped (want running)` */
export function gateWaitText(e: Of<'gate-wait'>): string {
  return `gate: waiting for ${e.expect} ${e.need}× in a row (${e.passes} so far), ${formatSeconds(e.durationMs)} of ${Math.round(e.timeoutMs / 1000)}s${e.reason ? `: ${e.reason}` : ''}`;
}

type Of<K extends RolloutEvent['kind']> = Extract<RolloutEvent, { kind: K }>;
type Formatters = { [K in RolloutEvent['kind']]: (e: Of<K>, o: RenderOptions) => string };

const indent = (text: string, prefix = '      | '): string =>
  text
    ? `${text
        .split('\n')
        .map((l) => prefix + l)
        .join('\n')}\n`
    : '';
const list = (ids: string[], max = 8): string =>
  ids.length > max ? `${ids.slice(0, max).join(', ')} … (${ids.length})` : ids.join(', ');

const FORMAT: Formatters = {
  plan: (e) =>
    `${e.runId ? `run ${e.runId}\n` : ''}plan: ${planHeadline(e.request, e.plan)}\n` +
    e.plan.skipped.map((s) => `skipped: ${s.service} — ${s.reason}\n`).join('') +
    (e.plan.notes ?? []).map((n) => `note: ${n}\n`).join(''),
  'lock-wait': (e) =>
    `waiting for the deployment lock (${e.lockHost}): ${e.holder ? describeHolder(e.holder) : 'holder unknown'}\n`,
  'lock-acquired': (e, o) => (o.verbose ? `lock: ${e.lockHost}\n` : ''),
  'lock-lost': (e) => `!! lost the deployment lock (${e.reason}): no further batch will start\n`,
  resume: (e) =>
    `resuming ${e.runId}: ${e.done.length} unit(s) already done` +
    `${e.failed.length ? `, ${e.failed.length} quarantined (${list(e.failed)})` : ''}` +
    `${e.partial.map((p) => `; ${p.unit} continues at step ${p.fromStep + 1}`).join('')}\n` +
    (e.damage ?? []).map((d) => `journal damage: ${d}\n`).join(''),
  'batch-start': (e) => `\n[${e.index + 1}/${e.total}] ${e.op} ${e.service}: ${list(e.units)}\n`,
  'step-start': (e, o) =>
    o.verbose
      ? `  ${e.unit}  ${e.step + 1}/${e.steps} ${e.name}${e.host === hostOf(e.unit) ? '' : ` [on ${e.host}]`}: ${o.full ? e.command : briefCommand(e.command)}\n`
      : '',
  'step-end': (e) => {
    const where = e.host === hostOf(e.unit) ? '' : ` [on ${e.host}]`;
    if (e.ok) {
      return `  ${e.unit}  ${e.name}${where}: ok (${formatSeconds(e.durationMs)})\n`;
    }
    return `  ${e.unit}  ${e.name}${where}: FAILED (${failureText(e)}, ${formatSeconds(e.durationMs)})\n${indent(e.output)}`;
  },
  'gate-wait': (e, o) => {
    o.gates ??= new Map();
    const shown = o.gates.get(e.unit);
    const reason = e.reason ?? '';
    const now = Date.now();
    // A passing reading says little until the gate passes; a failing one says what is awaited.
    const quiet = shown ? shown.reason === reason : reason === '';
    if (quiet && now - (shown?.at ?? now) < GATE_REPEAT_MS) {
      if (!shown) {
        o.gates.set(e.unit, { reason, at: now });
      }
      return '';
    }
    o.gates.set(e.unit, { reason, at: now });
    return `  ${e.unit}  ${gateWaitText(e)}\n`;
  },
  'gate-pass': (e) => {
    const h = e.health;
    const facts = [h.pid ? `pid ${h.pid}` : '', h.version ? `version ${h.version}` : '']
      .filter(Boolean)
      .join(', ');
    return `  ${e.unit}  gate: ${h.state} ${e.passes}× in a row (${formatSeconds(e.durationMs)})${facts ? `, ${facts}` : ''}\n`;
  },
  'gate-fail': (e) =>
    `  ${e.unit}  gate: FAILED after ${formatSeconds(e.durationMs)}: ${e.reason}\n`,
  'unit-done': () => '',
  quarantined: (e) =>
    `  ✗ ${e.failure.unit} quarantined (${e.failures} failed, budget ${e.budget}): ${e.failure.reason}\n` +
    (e.failure.logTail ? `    last lines of its log:\n${indent(e.failure.logTail)}` : ''),
  'budget-exceeded': (e) =>
    `\n!! failure budget exceeded: ${e.failures} failed, budget ${e.budget}; stopping — not started: ${list(e.notStarted) || 'none'}\n`,
  done: (e, o) => renderOutcome(e.result, e.durationMs, o),
};

const hostOf = (unit: string): string => unit.slice(unit.indexOf('@') + 1);

export function renderRolloutEvent(e: RolloutEvent, o: RenderOptions): string {
  return (FORMAT[e.kind] as (e: RolloutEvent, o: RenderOptions) => string)(e, o);
}

/** The end of a run: counts, failures, the retry set, and how to resume an interrupted run. */
function renderOutcome(r: RolloutResult, durationMs: number, o: RenderOptions): string {
  const counts = `${r.done.length} done, ${r.failed.length} failed${r.notStarted.length ? `, ${r.notStarted.length} not finished` : ''}`;
  let out = `\n${'-'.repeat(15)}\n${r.state}: ${counts} in ${formatSeconds(durationMs)}${r.runId ? ` — run ${r.runId}` : ''}\n`;
  for (const f of r.failed) {
    out += `failed: ${f.unit}${f.unreachable ? ' (unreachable)' : ''} — ${f.reason}\n`;
  }
  const hosts = [...new Set(r.failed.map((f) => f.host))];
  if (hosts.length) {
    out += `retry: ${o.retry
      .map((a) => (a === '{hosts}' ? foldNodeSet(hosts) : a))
      .map(quote)
      .join(' ')}\n`;
  }
  if (r.state === 'interrupted' && r.runId) {
    out += `resume: ${[...o.resume, r.runId].map(quote).join(' ')}\n`;
  }
  return out;
}
