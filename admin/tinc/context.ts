// What every tinc operation needs: the deployment, the mesh spec, paths, the record dir, events,
// and a way to run one command per host (one SSH round trip for the whole fleet, in parallel).
import { resolve } from 'node:path';
import type { Deployment } from '../deployment/deployment.js';
import { UsageError } from '../errors.js';
import { fanoutEach, type HostJob } from '../fleet/fanout-each.js';
import { isUnreachable } from '../fleet/outcome.js';
import type { CommandResult } from '../transport/types.js';
import type { HostFailure, TincEvent, TincListener, TincPhase } from './events.js';
import { meshSpec, type MeshMember, type MeshSpec } from './mesh.js';
import { tincPaths, type TincPaths } from './remote/paths.js';

export interface TincOptions {
  /** Where the public host files are recorded; default conf/tinc_hosts next to the services file. */
  confDir?: string;
  onEvent?: TincListener;
  signal?: AbortSignal;
}

export interface TincContext {
  dep: Deployment;
  spec: MeshSpec;
  paths: TincPaths;
  confDir: string;
  emit: (e: TincEvent) => void;
  signal?: AbortSignal;
  failures: HostFailure[]; // every host failure of this operation, in order
}

export const DEFAULT_CONF_DIR = 'conf/tinc_hosts';

export function tincContext(dep: Deployment, opts: TincOptions): TincContext {
  const spec = meshSpec(dep.inventory);
  const confDir = resolve(dep.inventory.dir, opts.confDir ?? DEFAULT_CONF_DIR);
  const ctx: TincContext = {
    dep,
    spec,
    paths: tincPaths(spec.netname),
    confDir,
    emit: opts.onEvent ?? (() => undefined),
    failures: [],
  };
  if (opts.signal) {
    ctx.signal = opts.signal;
  }
  return ctx;
}

/** Members named by a node set (default: all); a host outside the mesh is a usage error. */
export function targetMembers(ctx: TincContext, nodeset?: string): MeshMember[] {
  if (nodeset === undefined) {
    return ctx.spec.members;
  }
  const wanted = ctx.dep.nodes(nodeset);
  const outside = wanted.filter((h) => !ctx.spec.members.some((m) => m.host === h));
  if (outside.length) {
    throw new UsageError(
      `${outside.join(', ')}: not in the tinc mesh (no vpn address in the services file)`,
    );
  }
  return ctx.spec.members.filter((m) => wanted.includes(m.host));
}

/**
 * One command per host, all in parallel (the deployment's window). Returns the hosts that
 * succeeded with their output; the others are recorded as failures of `phase` and reported.
 */
export async function runEach(
  ctx: TincContext,
  phase: TincPhase,
  hosts: readonly string[],
  job: (host: string) => HostJob,
  timeoutMs: number,
): Promise<Map<string, CommandResult>> {
  const ok = new Map<string, CommandResult>();
  if (hosts.length === 0) {
    return ok;
  }
  ctx.emit({ kind: 'phase', phase, hosts: [...hosts] });
  const results = await runAll(ctx, hosts, job, timeoutMs);
  for (const r of results) {
    if (r.ok) {
      ok.set(r.host, r);
    } else {
      const failure = hostFailure(phase, r);
      ctx.failures.push(failure);
      ctx.emit({ kind: 'host-failed', failure });
    }
  }
  return ok;
}

export function runAll(
  ctx: TincContext,
  hosts: readonly string[],
  job: (host: string) => HostJob,
  timeoutMs: number,
): Promise<CommandResult[]> {
  return fanoutEach(hosts, (h) => ctx.dep.pool.get(h), job, {
    concurrency: ctx.dep.inventory.ssh.concurrency,
    timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** A failed result in words: the last lines of stderr for a script that failed, else the transport's reason. */
export function hostFailure(phase: TincPhase, r: CommandResult): HostFailure {
  const kind = r.failure?.kind;
  const unreachable = isUnreachable(r);
  const detail = r.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
  const message =
    kind === 'nonzero'
      ? detail || `exit ${r.exitCode}`
      : `${r.failure?.message ?? 'failed'}${detail ? ` (${detail})` : ''}`;
  return { host: r.host, phase, message, unreachable };
}
