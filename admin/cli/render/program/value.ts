// Library results rendered for people, as the CLI prints them: what the REPL shows after each
// line and what `salvo run` prints after a step. Anything else is left to util.inspect.
import { ExecResult } from '../../../deployment/results.js';
import type { DiffReport, OperationResult, StatusReport } from '../../../deployment/results.js';
import { NodeSet } from '../../../deployment/node-set.js';
import { renderFolded, renderSummary } from '../exec/results.js';
import { renderStatus } from '../rollout/status.js';
import { renderDiff } from '../rollout/diff.js';
import { paint } from '../colour.js';

const has = (v: object, ...keys: string[]): boolean => keys.every((k) => k in v);

function isOperationResult(v: unknown): v is OperationResult {
  return typeof v === 'object' && v !== null && has(v, 'request', 'plan', 'state', 'failures');
}
function isStatusReport(v: unknown): v is StatusReport {
  return typeof v === 'object' && v !== null && has(v, 'units', 'ok', 'failed', 'unreachable');
}
function isDiffReport(v: unknown): v is DiffReport {
  return typeof v === 'object' && v !== null && has(v, 'items', 'drifted', 'unreachable');
}

/** The text for a library value, or undefined when it is not one of the library's results. */
export function renderValue(v: unknown): string | undefined {
  if (v instanceof NodeSet) {
    return v.empty ? 'NodeSet (empty)\n' : `${v} (${v.size})\n`;
  }
  if (v instanceof ExecResult) {
    if (v.dryRun) {
      return 'dry run: nothing ran\n';
    }
    return renderFolded(v) + renderSummary(v);
  }
  if (isOperationResult(v)) {
    return renderOperation(v);
  }
  if (isStatusReport(v)) {
    return renderStatus(v.units);
  }
  if (isDiffReport(v)) {
    return renderDiff(v.items);
  }
  return undefined;
}

function renderOperation(r: OperationResult): string {
  const what = `${r.request.op} ${r.request.target}`;
  if (r.dryRun) {
    const lines = r.plan.batches.map(
      (b) => `  [${b.index + 1}] ${b.op} ${b.service}: ${b.units.map((u) => u.id).join(', ')}`,
    );
    return `${what}: planned, ${r.plan.units} unit(s) in ${r.plan.batches.length} batch(es)\n${lines.join('\n')}\n`;
  }
  let state = paint.warn(r.state);
  if (r.state === 'done') {
    state = paint.ok(r.state);
  } else if (r.state === 'failed') {
    state = paint.bad(r.state);
  }
  let out = `${what}: ${state} — ${r.done.length} unit(s) done, ${r.failures.length} failed${r.notStarted.length ? `, ${r.notStarted.length} not finished` : ''}${r.runId ? ` (run ${r.runId})` : ''}\n`;
  for (const f of r.failures) {
    out += `  ${paint.bad('failed')}: ${f.unit}${f.unreachable ? ' (unreachable)' : ''} — ${f.reason}\n`;
  }
  if (!r.ok.empty) {
    out += `ok: ${r.ok} (${r.ok.size})\n`;
  }
  if (!r.failed.empty) {
    out += `failed: ${r.failed} (${r.failed.size})\n`;
  }
  return out;
}
