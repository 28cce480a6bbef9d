// What every backup operation works with: the deployment (its hosts and transport pool), the
// validated rules, cancellation and the event listener.
import type { Deployment } from '../deployment/deployment.js';
import type { Command } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';
import type { BackupListener } from './events.js';
import type { BackupRules } from './types.js';

export interface BackupContext {
  dep: Deployment;
  rules: BackupRules;
  signal?: AbortSignal;
  onEvent?: BackupListener;
}

/** One command on one host over the deployment's pool (never throws for the host's failure). */
export function runOn(
  ctx: BackupContext,
  host: string,
  command: Command,
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return ctx.dep.pool.get(host).run(command, {
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** Why a command did not work, in one line. */
export function whyFailed(r: CommandResult): string {
  if (r.failure && r.failure.kind !== 'nonzero') {
    return `${r.failure.kind}: ${r.failure.message}`;
  }
  const text = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' ');
  return text || `exit ${r.exitCode}`;
}

/** Did the host not answer at all (as opposed to a command that ran and failed)? */
export function unreachable(r: CommandResult): boolean {
  const k = r.failure?.kind;
  return k === 'unreachable' || k === 'auth' || k === 'hostkey';
}
