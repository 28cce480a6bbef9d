// start/stop/restart/upgrade flags → a RolloutRequest. Pure, so every conflict is tested without hosts.
import { UsageError } from '../../../errors.js';
import type { Operation } from '../../../services/types.js';
import { parseSize } from '../../../rollout/plan/size.js';
import type { BatchSpec, RolloutRequest } from '../../../rollout/types.js';
import { parseDuration } from '../../parse-duration.js';
import { perHostCount } from '../../../deployment/request.js';

export interface OpsFlags {
  hosts?: string;
  serial?: boolean;
  parallel?: boolean;
  batch?: string;
  rolling?: boolean;
  wait?: boolean; // --wait (default) / --no-wait: false only when --no-wait was given
  budget: string;
  ignorePlacement?: boolean;
  version?: string;
  waitLock?: string | true;
  drain?: boolean; // false with --no-drain
  perHost?: string; // --per-host N
}

/**
 * Start and stop default to as many units at once as placement allows (what you want when the
 * service is down anyway); restart and upgrade default to one at a time, since they take
 * running units away.
 */
function defaultBatch(op: Operation): BatchSpec {
  return op === 'start' || op === 'stop' ? { kind: 'all' } : { kind: 'count', n: 1 };
}

function batchOf(op: Operation, f: OpsFlags): BatchSpec {
  const given = [
    f.serial && '--serial',
    f.parallel && '--parallel',
    f.batch !== undefined && '--batch',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new UsageError(`${given.join(' and ')}: choose one`);
  }
  if (f.rolling && given.length) {
    throw new UsageError(`--rolling already means one unit at a time; drop ${given[0]}`);
  }
  if (f.rolling && f.wait === false) {
    throw new UsageError('--rolling waits for health gates; it cannot be combined with --no-wait');
  }
  if (f.serial) {
    return { kind: 'count', n: 1 };
  }
  if (f.parallel) {
    return { kind: 'all' };
  }
  if (f.batch !== undefined) {
    return parseSize(f.batch, '--batch');
  }
  return defaultBatch(op);
}

export function requestFromFlags(op: Operation, target: string, f: OpsFlags): RolloutRequest {
  if (op === 'upgrade' && !f.version) {
    throw new UsageError('upgrade needs --version V (vm: --image NAME)');
  }
  return {
    op,
    target,
    ...(f.hosts ? { hosts: f.hosts } : {}),
    batch: batchOf(op, f),
    wait: f.wait !== false,
    budget: parseSize(f.budget, '--budget', true),
    rolling: f.rolling ?? false,
    ignorePlacement: f.ignorePlacement ?? false,
    ...(f.perHost !== undefined ? { perHost: perHostCount(f.perHost, '--per-host') } : {}),
    options: {
      ...(f.version ? { version: f.version } : {}),
      ...(f.drain === false ? { drain: false } : {}),
    },
  };
}

/** `--wait-lock` alone waits as long as it takes (Ctrl-C to give up); with a duration, that long. */
export function waitLockMs(value: string | true | undefined): number {
  if (value === undefined) {
    return 0;
  }
  return value === true ? Infinity : parseDuration(value, '--wait-lock');
}
