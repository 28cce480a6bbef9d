// What the method modules of this folder act through: the Deployment's public surface, plus the
// three things it keeps private (its open options, its operator lock, its target resolver).
import type { KindLookup } from '../../rollout/types.js';
import type { Command } from '../../transport/command.js';
import type { SshTarget } from '../../transport/types.js';
import type { Deployment } from '../deployment.js';
import { durationMs } from '../duration.js';
import type { OperatorLock } from '../lock.js';
import type { ExecResult } from '../results.js';
import type { CallOptions, OpenOptions, QuietOptions } from './options.js';

export interface Inner {
  readonly dep: Deployment;
  readonly options: OpenOptions;
  readonly operatorLock: OperatorLock;
  readonly resolveTarget: (name: string) => Promise<SshTarget>;
}

/**
 * Resolve every host's connection settings (services file + ssh_config) before connecting: a
 * setting Salvo refuses (StrictHostKeyChecking no, Match exec…) is a ConfigError for the call
 * (exit 2), not one unreachable host per line.
 */
export async function checkTargets(inner: Inner, hosts: string[]): Promise<void> {
  const local = hosts.filter((h) => h !== 'localhost');
  await Promise.all(local.map((h) => inner.resolveTarget(h)));
}

/** A dry run's report of a call it did not make. */
export function planned(
  dep: Deployment,
  call: string,
  detail: string[],
  options: CallOptions,
): void {
  dep.emit('dry-run', { kind: 'planned', call, detail }, options);
}

/** The Runner the probes use: exec without events (the call reports its own result). */
export function runner(dep: Deployment, _call: CallOptions) {
  return {
    exec: (hosts: string[], command: Command, o: QuietOptions = {}): Promise<ExecResult> =>
      dep.quietExec(hosts, command, o),
  };
}

export function waitLockMs(value: number | string | true | undefined): number {
  if (value === undefined) {
    return 0;
  }
  return value === true ? Infinity : (durationMs(value, 'waitLock') ?? 0);
}

/** Tests pass their own kinds; otherwise the registry of admin/services/. */
export async function kindsOf(options: OpenOptions): Promise<KindLookup> {
  return options.kinds ?? (await defaultKinds());
}

async function defaultKinds(): Promise<KindLookup> {
  const { SERVICE_KINDS } = await import('../../services/index.js');
  return (name) => SERVICE_KINDS[name];
}
