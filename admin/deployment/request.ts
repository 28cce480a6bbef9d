// The options of start/stop/restart/upgrade as a script or the REPL passes them, turned into the
// rollout engine's request (the same request the CLI's flags make). Pure.
import { UsageError } from '../errors.js';
import type { Operation } from '../services/types.js';
import { parseSize } from '../rollout/plan/size.js';
import type { BatchSpec, RolloutRequest, Size } from '../rollout/types.js';
import { NodeSet, type Target } from './node-set.js';

export interface OperationOptions {
  /** Only the units on these hosts. */
  hosts?: Target;
  /** Units per batch: a count, a percentage (`'25%'`) or `'all'`. */
  batch?: number | string;
  /** One unit at a time (`batch: 1`). */
  serial?: boolean;
  /** Every unit at once, as far as placement allows (`batch: 'all'`); the old tool's `parallel=True`. */
  parallel?: boolean;
  /** One unit at a time with health gates (hubs drained in haproxy around each). */
  rolling?: boolean;
  /** Health gate after each batch (default true); the old tool's `wait=False` is `wait: false`. */
  wait?: boolean;
  /** Failed units tolerated before the rollout stops: a count or a percentage (default 0). */
  budget?: number | string;
  /** Batch units that share a physical host, rack or backend together. */
  ignorePlacement?: boolean;
  /** Units of one physical host per batch (default 1; the vm service's `per_host` for start/stop). */
  perHost?: number;
  /** false: do not drain units in haproxy around a stop (drops requests). */
  drain?: boolean;
  /** upgrade: the version to run. */
  version?: string;
}

const sizeText = (v: number | string): string => String(v);

function batchOf(op: Operation, o: OperationOptions): BatchSpec {
  const given = [
    o.serial && 'serial',
    o.parallel && 'parallel',
    o.batch !== undefined && 'batch',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new UsageError(`${given.join(' and ')}: choose one`);
  }
  if (o.rolling && given.length) {
    throw new UsageError(`rolling already means one unit at a time; drop ${given[0]}`);
  }
  if (o.rolling && o.wait === false) {
    throw new UsageError('rolling waits for health gates; it cannot be combined with wait: false');
  }
  if (o.serial || o.rolling) {
    return { kind: 'count', n: 1 };
  }
  if (o.parallel || o.batch === 'all') {
    return { kind: 'all' };
  }
  if (o.batch !== undefined) {
    return parseSize(sizeText(o.batch), 'batch');
  }
  // start/stop: the service is down anyway; restart/upgrade take running units away.
  return op === 'start' || op === 'stop' ? { kind: 'all' } : { kind: 'count', n: 1 };
}

function hostsText(hosts: Target): string {
  if (typeof hosts === 'string') {
    return hosts;
  }
  const set = hosts instanceof NodeSet ? hosts : new NodeSet(hosts);
  if (set.empty) {
    throw new UsageError('hosts: the node set is empty');
  }
  return set.toString();
}

export function rolloutRequest(
  op: Operation,
  service: string,
  o: OperationOptions = {},
): RolloutRequest {
  if (typeof service !== 'string' || service === '') {
    throw new UsageError(`${op}: name a service (hub, cassandra …) or 'all'`);
  }
  if (op === 'upgrade' && !o.version) {
    throw new UsageError("upgrade needs a version: upgrade('hub', { version: '1.2.0' })");
  }
  if (op === 'restart' && o.version !== undefined) {
    throw new UsageError(
      `restart keeps the version that runs; to switch versions: upgrade('${service}', { version: '${o.version}' })`,
    );
  }
  const budget: Size = parseSize(sizeText(o.budget ?? 0), 'budget', true);
  return {
    op,
    target: service,
    ...(o.hosts !== undefined ? { hosts: hostsText(o.hosts) } : {}),
    batch: batchOf(op, o),
    wait: o.wait !== false,
    budget,
    rolling: o.rolling ?? false,
    ignorePlacement: o.ignorePlacement ?? false,
    ...(o.perHost !== undefined ? { perHost: perHostCount(o.perHost, 'perHost') } : {}),
    options: {
      ...(o.version ? { version: o.version } : {}),
      ...(o.drain === false ? { drain: false } : {}),
    },
  };
}

/** A per-host limit: a whole number from 1 to 1000. */
export function perHostCount(v: number | string, what: string): number {
  let n = Number.NaN;
  if (typeof v === 'number') {
    n = v;
  } else if (/^\d+$/.test(v)) {
    n = Number(v);
  }
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new UsageError(`${what}: expected a whole number from 1 to 1000, got ${String(v)}`);
  }
  return n;
}
