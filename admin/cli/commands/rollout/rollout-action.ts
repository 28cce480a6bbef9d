// What start/stop/restart/upgrade and resume share: open the deployment, call its rollout method
// (the library takes the lock, journals, applies), render events live, pick the exit code.
import type { Command } from 'commander';
import { LockedError } from '../../../errors.js';
import { EXIT } from '../../../fleet/outcome.js';
import type { Deployment, RunOptions } from '../../../deployment/deployment.js';
import type { DeploymentListener } from '../../../deployment/events.js';
import type { OperationResult } from '../../../deployment/results.js';
import type { KindLookup, RolloutRequest } from '../../../rollout/types.js';
import type { RenderOptions } from '../../render/rollout/rollout.js';
import { ProgressPrinter } from '../../render/progress.js';
import { withInterrupt } from '../../interrupt.js';
import { eventJsonLine } from '../../render/events.js';
import { openDeployment } from '../services-path.js';

export interface OutputFlags {
  json?: boolean;
  /** A count: -v steps, -vv steps with whole scripts. */
  verbose?: boolean | number;
  full?: boolean;
}

/** Live output: JSON lines, or text whose retry hint repeats the run's own operation. */
export async function listener(flags: OutputFlags, salvo: string[]): Promise<DeploymentListener> {
  const full = (flags.full ?? false) || Number(flags.verbose ?? 0) >= 2;
  if (flags.json) {
    return (e) => process.stdout.write(eventJsonLine(e, { full }));
  }
  const render: RenderOptions = {
    verbose: Boolean(flags.verbose),
    full,
    retry: [],
    resume: [...salvo, 'resume'],
  };
  const printer = await ProgressPrinter.open({ out: process.stdout, render });
  return (e) => {
    if (e.source === 'rollout' && e.event.kind === 'plan') {
      render.retry = retryArgv(salvo, e.event.request);
    }
    printer.onEvent(e);
    if (e.source === 'rollout' && e.event.kind === 'done') {
      printer.done();
    }
  };
}

function retryArgv(salvo: string[], r: RolloutRequest): string[] {
  return [
    ...salvo,
    r.op,
    r.target,
    '-H',
    '{hosts}',
    ...(r.options.version ? ['--version', r.options.version] : []),
  ];
}

/** Interrupted beats unreachable beats failed, as for `exec`. */
function exitCodeOfRollout(r: OperationResult): number {
  if (r.state === 'interrupted') {
    return EXIT.aborted;
  }
  if (r.failures.some((f) => f.unreachable)) {
    return EXIT.unreachable;
  }
  return r.failures.length ? EXIT.failed : EXIT.ok;
}

type Go = (dep: Deployment, opts: RunOptions) => Promise<OperationResult>;

/** Open, run under Ctrl-C handling, close. Sets process.exitCode. */
export async function runWithDeployment(
  cmd: Command,
  kinds: KindLookup | undefined,
  opts: Omit<RunOptions, 'signal'>,
  go: Go,
): Promise<void> {
  const dep = await openDeployment(cmd, kinds ? { kinds } : {});
  let interrupted = false;
  try {
    const result = await withInterrupt((signal) => {
      signal.addEventListener('abort', () => {
        interrupted = true;
      });
      return go(dep, { ...opts, signal });
    });
    process.exitCode = exitCodeOfRollout(result);
  } catch (err) {
    // Ctrl-C while waiting for the lock: interrupted, not "locked".
    if (err instanceof LockedError && interrupted) {
      process.exitCode = EXIT.aborted;
      return;
    }
    throw err;
  } finally {
    await dep.close();
  }
}
