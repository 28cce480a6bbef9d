// What start/stop/restart/upgrade and resume share: open the deployment, wire the rollout to it
// (commands over the transport pool, the lock on the fleet), render events live, pick the exit code.
import type { Command } from 'commander';
import { LockedError } from '../../errors.js';
import { EXIT } from '../../fleet/outcome.js';
import type { Deployment } from '../../deployment/deployment.js';
import type { RolloutDeps, RolloutOptions } from '../../rollout/rollout.js';
import type { RolloutEvent } from '../../rollout/events.js';
import type { Executor, KindLookup, RolloutRequest, RolloutResult } from '../../rollout/types.js';
import { renderRolloutEvent, type RenderOptions } from '../render/rollout.js';
import { withInterrupt } from '../interrupt.js';
import { openDeployment } from './services-path.js';

export interface OutputFlags {
  json?: boolean;
  verbose?: boolean;
}

/** Tests pass their own kinds; the CLI uses the registry of admin/services/. */
export async function defaultKinds(): Promise<KindLookup> {
  const { SERVICE_KINDS } = await import('../../services/index.js');
  return (name) => SERVICE_KINDS[name];
}

/**
 * The lock lives on the first host of the services file: every operator's Salvo, on any admin
 * machine, reads the same file and so meets on the same lock (docs/rollouts.md).
 */
export async function deploymentDeps(dep: Deployment, kinds: KindLookup): Promise<RolloutDeps> {
  const { FleetLock } = await import('../../rollout/fleet-lock.js');
  const exec: Executor = async (host, command, o) => (await dep.exec([host], command, o))[0]!;
  const lockHost = [...dep.inventory.hosts.keys()][0];
  return {
    inv: dep.inventory,
    exec,
    kinds,
    nodes: (e) => dep.nodes(e),
    ...(lockHost ? { locker: new FleetLock(dep.pool.get(lockHost), dep.name) } : {}),
  };
}

/** Live output: JSON lines, or text whose retry hint repeats the run's own operation. */
export function listener(flags: OutputFlags, salvo: string[]): (e: RolloutEvent) => void {
  if (flags.json) {
    return (e) => process.stdout.write(`${JSON.stringify(e)}\n`);
  }
  const render: RenderOptions = {
    verbose: flags.verbose ?? false,
    retry: [],
    resume: [...salvo, 'resume'],
  };
  return (e) => {
    if (e.kind === 'plan') {
      render.retry = retryArgv(salvo, e.request);
    }
    process.stdout.write(renderRolloutEvent(e, render));
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
export function exitCodeOfRollout(r: RolloutResult): number {
  if (r.state === 'interrupted') {
    return EXIT.aborted;
  }
  if (r.failed.some((f) => f.unreachable)) {
    return EXIT.unreachable;
  }
  return r.failed.length ? EXIT.failed : EXIT.ok;
}

type Go = (deps: RolloutDeps, opts: RolloutOptions) => Promise<RolloutResult>;

/** Open, run under Ctrl-C handling, close. Sets process.exitCode. */
export async function runWithDeployment(
  cmd: Command,
  kinds: KindLookup | undefined,
  opts: Omit<RolloutOptions, 'signal'>,
  go: Go,
): Promise<void> {
  const dep = await openDeployment(cmd);
  let interrupted = false;
  try {
    const deps = await deploymentDeps(dep, kinds ?? (await defaultKinds()));
    const result = await withInterrupt((signal) => {
      signal.addEventListener('abort', () => {
        interrupted = true;
      });
      return go(deps, { ...opts, signal });
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
