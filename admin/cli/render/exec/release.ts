// A release's steps as lines: what starts, what was skipped on resume, how each ended, and at
// the end how to resume a release that did not finish.
import { formatSeconds } from '../duration.js';
import { quote } from '../../../transport/command.js';
import type { ReleaseEvent } from '../../../release/index.js';
import { paint } from '../colour.js';
import { renderValue } from '../program/value.js';

export interface ReleaseRenderOptions {
  verbose: boolean;
  /** argv of this run, for the resume hint. */
  again: string[];
}

export function renderReleaseEvent(e: ReleaseEvent, o: ReleaseRenderOptions): string {
  switch (e.kind) {
    case 'start':
      if (e.dryRun) {
        return `dry run of ${e.script}: the steps and what each would do; no host is contacted\n`;
      }
      return e.resumed
        ? `resuming release ${e.runId}: ${e.resumed.done} step(s) already done\n`
        : `release ${e.runId} (${e.script})\n`;
    case 'step-start':
      return `\n${paint.bold(`step ${e.index + 1}: ${e.name}`)}\n`;
    case 'step-skip':
      return `step ${e.index + 1}: ${e.name}: done in an earlier attempt, skipped\n`;
    case 'step-end': {
      const shown =
        (o.verbose || !e.ok) && e.value !== undefined ? (renderValue(e.value) ?? '') : '';
      return e.ok
        ? `${shown}${paint.ok('✓')} step ${e.index + 1}: ${e.name} (${formatSeconds(e.durationMs)})\n`
        : `${shown}${paint.bad('✗')} step ${e.index + 1}: ${e.name} FAILED after ${formatSeconds(e.durationMs)}: ${e.error}\n`;
    }
    case 'log':
      return `${e.text}\n`;
    case 'end': {
      const head = `\n${'-'.repeat(15)}\nrelease ${e.state}${e.failedStep ? ` at step "${e.failedStep}"` : ''} in ${formatSeconds(e.durationMs)}${e.runId ? ` — ${e.runId}` : ''}\n`;
      const resume =
        e.state !== 'done' && e.runId
          ? `resume: ${[...o.again, '--resume', e.runId].map(quote).join(' ')}\n`
          : '';
      return head + resume;
    }
  }
}
