// `salvo runs`: one line per run, oldest first, aligned; states an operator acts on stand out.
import type { RunSummary } from '../../../rollout/journal/runs.js';
import { quote } from '../../../transport/command.js';
import { renderTable } from '../table.js';

const HEAD = ['RUN', 'OPERATION', 'STARTED', 'STATE', 'PROGRESS', 'BY'];

function row(r: RunSummary): string[] {
  const what = `${r.op} ${r.target}${r.hosts ? ` -H ${r.hosts}` : ''}`;
  const progress = `${r.unitsFinished}/${r.units} units${r.failed ? `, ${r.failed} failed` : ''}`;
  return [
    r.runId,
    what,
    r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    r.damage && r.state !== 'damaged' ? `${r.state}, damaged` : r.state,
    r.state === 'damaged' ? '?' : progress,
    r.by,
  ];
}

/** `salvo` starts the resume hint (`['salvo', '-s', FILE]` for another file). */
export function renderRuns(runs: RunSummary[], salvo: string[] = ['salvo']): string {
  if (!runs.length) {
    return 'no runs yet (every start/stop/restart/upgrade writes one)\n';
  }
  const resumable = runs.filter((r) => r.state === 'interrupted');
  const hint = resumable.length
    ? `\nresume the last interrupted run: ${[...salvo, 'resume', resumable.at(-1)!.runId].map(quote).join(' ')}\n`
    : '';
  const notes = runs.flatMap((r) => [
    ...(r.inFlight ?? []).map(
      (u) =>
        `${r.runId}: ${u.unit} stopped at step ${u.step + 1}/${u.steps} (${u.name}): it may be left drained or stopped; \`salvo resume\` finishes it\n`,
    ),
    ...(r.damage ?? []).map((d) => `${r.runId}: journal damage: ${d}\n`),
  ]);
  return `${renderTable([HEAD, ...runs.map(row)])}${notes.length ? `\n${notes.join('')}` : ''}${hint}`;
}
