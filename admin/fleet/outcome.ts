// Classify per-host results into the buckets operators act on, and the exit code scripts read.
import type { CommandResult, FailureKind } from '../transport/types.js';

export type Bucket = 'ok' | 'failed' | 'unreachable' | 'aborted';

const BUCKET_OF: Record<FailureKind, Bucket> = {
  nonzero: 'failed',
  signal: 'failed',
  timeout: 'failed',
  unreachable: 'unreachable',
  auth: 'unreachable',
  hostkey: 'unreachable',
  aborted: 'aborted',
};

export function bucketOf(r: CommandResult): Bucket {
  return r.ok || !r.failure ? 'ok' : BUCKET_OF[r.failure.kind];
}

/**
 * Could the host not be asked at all (network, auth, host key)? An interrupted command is not:
 * Ctrl-C says nothing about the host, and it has its own bucket and exit code.
 */
export function isUnreachable(r: Pick<CommandResult, 'failure'>): boolean {
  return !!r.failure && BUCKET_OF[r.failure.kind] === 'unreachable';
}

/** Why a command failed, in a few words: `exit N`, or the failure's kind and message. */
export function failureText(r: Pick<CommandResult, 'exitCode' | 'failure'>): string {
  return !r.failure || r.failure.kind === 'nonzero'
    ? `exit ${r.exitCode}`
    : `${r.failure.kind}: ${r.failure.message}`;
}

/** Documented exit codes (README.md, docs/architecture.md). Usage/config errors (2) are raised before any host runs. */
export const EXIT = {
  ok: 0,
  failed: 1, // some command ran and failed (non-zero exit, signal, timeout)
  usage: 2, // bad flags, bad services file, bad node set
  unreachable: 3, // some host could not be reached or refused us (network, auth, host key)
  locked: 4, // another run holds the deployment lock
  internal: 70, // a bug in Salvo (EX_SOFTWARE)
  aborted: 130, // interrupted by Ctrl-C (128 + SIGINT)
  terminated: 143, // stopped by SIGTERM (128 + SIGTERM)
} as const;

export interface Tally {
  ok: string[];
  failed: string[];
  unreachable: string[];
  aborted: string[];
}

export function tally(results: CommandResult[]): Tally {
  const t: Tally = { ok: [], failed: [], unreachable: [], aborted: [] };
  for (const r of results) {
    t[bucketOf(r)].push(r.host);
  }
  return t;
}

/** Aborted beats unreachable beats failed: the worst thing the operator must know first. */
export function exitCodeOf(results: CommandResult[]): number {
  const t = tally(results);
  if (t.aborted.length) {
    return EXIT.aborted;
  }
  if (t.unreachable.length) {
    return EXIT.unreachable;
  }
  if (t.failed.length) {
    return EXIT.failed;
  }
  return EXIT.ok;
}
