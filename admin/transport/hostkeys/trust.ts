// `salvo hosts trust`: record host keys on purpose. Scans in parallel, decides per host against
// every known_hosts file the hosts use, then writes Salvo's file once, atomically. A changed key
// is never overwritten unless asked (`replace`), and a revoked one never.
import pLimit from 'p-limit';
import { AdminError } from '../../errors.js';
import { changedHostKeyMessage, revokedHostKeyMessage } from './messages.js';
import { scanHostKey, type ScannedKey } from './scan.js';
import { editKnownHosts, type HostRef, type NewHostKey } from './known-hosts/edit.js';
import { KnownHosts, type KnownKeyRef } from './known-hosts/index.js';
import type { SshTarget } from '../types.js';

export type TrustOutcome =
  | 'added'
  | 'already-known'
  | 'changed-refused'
  | 'replaced'
  | 'unreachable'
  | 'revoked';

export interface TrustResult {
  host: string;
  fingerprint: string; // '' when unreachable
  type: string; // '' when unreachable
  outcome: TrustOutcome;
  message?: string;
}

export interface TrustOptions {
  replace?: boolean; // a reinstalled host: drop its old lines from knownHostsFile, add the new key
  concurrency?: number; // scans at once (default 16)
  hash?: boolean; // write hashed names (HashKnownHosts)
  /** How to get a key; the pool passes one that tunnels through ProxyJump hosts. */
  scan?: (target: SshTarget) => Promise<ScannedKey>;
}

type Scan = { target: SshTarget; key: ScannedKey } | { target: SshTarget; error: string };

interface Decision {
  result: TrustResult;
  remove?: HostRef;
  add?: NewHostKey;
}

export async function trustHosts(
  targets: SshTarget[],
  knownHostsFile: string,
  opts: TrustOptions = {},
): Promise<TrustResult[]> {
  const scans = await scanAll(targets, opts);
  const files = [knownHostsFile, ...targets.flatMap((t) => t.knownHostsFiles)];
  const known = await KnownHosts.load([...new Set(files)]);
  const decisions = scans.map((s) => decide(s, known, knownHostsFile, opts.replace ?? false));
  const remove = decisions.flatMap((d) => (d.remove === undefined ? [] : [d.remove]));
  const add = decisions.flatMap((d) => (d.add === undefined ? [] : [d.add]));
  if (remove.length > 0 || add.length > 0) {
    await editKnownHosts(knownHostsFile, { remove, add, hash: opts.hash });
  }
  return decisions.map((d) => d.result);
}

async function scanAll(targets: SshTarget[], opts: TrustOptions): Promise<Scan[]> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? 16));
  const scan = opts.scan ?? ((t: SshTarget) => scanHostKey(t));
  return Promise.all(
    targets.map((target) =>
      limit(async (): Promise<Scan> => {
        try {
          return { target, key: await scan(target) };
        } catch (err) {
          if (!(err instanceof AdminError)) {
            throw err; // a bug, not an unreachable host
          }
          return { target, error: err.message };
        }
      }),
    ),
  );
}

function namesOf(t: SshTarget): string[] {
  return [...new Set([t.name, t.hostname])];
}

function decide(scan: Scan, known: KnownHosts, file: string, replace: boolean): Decision {
  const t = scan.target;
  if ('error' in scan) {
    return {
      result: {
        host: t.name,
        fingerprint: '',
        type: '',
        outcome: 'unreachable',
        message: scan.error,
      },
    };
  }
  const { blob, type, fingerprint } = scan.key;
  const base = { host: t.name, fingerprint, type };
  const check = known.check(namesOf(t), t.port, blob);
  const add: NewHostKey = { names: namesOf(t), port: t.port, blob };
  switch (check.status) {
    case 'ok':
      return { result: { ...base, outcome: 'already-known' } };
    case 'unknown':
      return { result: { ...base, outcome: 'added' }, add };
    case 'revoked':
      return {
        result: {
          ...base,
          outcome: 'revoked',
          message: revokedHostKeyMessage(t, blob, check.file, check.line),
        },
      };
    case 'changed':
      return decideChanged(t, blob, check.known, file, replace, base, add);
  }
}

function decideChanged(
  t: SshTarget,
  blob: Buffer,
  old: KnownKeyRef[],
  file: string,
  replace: boolean,
  base: Omit<TrustResult, 'outcome'>,
  add: NewHostKey,
): Decision {
  const refuse = (message: string): Decision => ({
    result: { ...base, outcome: 'changed-refused', message },
  });
  if (!replace) {
    return refuse(changedHostKeyMessage(t, blob, old));
  }
  // Salvo edits only its own file; a stale line elsewhere (~/.ssh/known_hosts) is the operator's.
  const elsewhere = old.filter((k) => k.file !== file);
  if (elsewhere.length > 0) {
    const where = elsewhere.map((k) => `${k.file}:${k.line}`).join(', ');
    return refuse(
      `${changedHostKeyMessage(t, blob, old)} (not replaced: ${where} is not ${file}, which Salvo edits)`,
    );
  }
  return {
    result: { ...base, outcome: 'replaced' },
    remove: { names: namesOf(t), port: t.port },
    add,
  };
}
