// Host key verification for every connection. There is no "accept any key" mode: the policy
// (normally KnownHosts) decides, and a refusal carries the known-hosts module's message.
import type { Algorithms, ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectError } from '../../errors.js';
import { hostKeyError } from './messages.js';
import type { HostKeyCheck } from './known-hosts/index.js';
import type { SshTarget } from '../types.js';

/** Anything that can judge a presented host key. `KnownHosts` is the real one. */
export interface HostKeyPolicy {
  check(names: string[], port: number, keyBlob: Buffer): HostKeyCheck;
  /** Key types on record for the host, to ask the server for one we can check (optional). */
  knownTypes?(names: string[], port: number): string[];
  /** Read the recorded keys again (after Salvo recorded new ones itself). */
  reload?(): Promise<void>;
}

/** Every name the host goes by: the key proves identity if it is recorded under any of them. */
export function hostNames(target: SshTarget): string[] {
  if (target.hostKeyAlias !== undefined) {
    return [target.hostKeyAlias]; // as ssh: the alias replaces the names in known_hosts lookups
  }
  return [...new Set([target.name, target.hostname].filter((n) => n !== ''))];
}

/**
 * A synchronous ssh2 hostVerifier. ssh2 reports a refusal only as "Host denied (verification
 * failed)", so the verifier hands the real reason to `onRefuse` before answering false.
 */
export function hostVerifier(
  target: SshTarget,
  policy: HostKeyPolicy,
  onRefuse: (err: ConnectError) => void,
): (key: Buffer) => boolean {
  return (key) => {
    let refusal: ConnectError | null;
    try {
      refusal = hostKeyError(target, key, policy.check(hostNames(target), target.port, key));
    } catch (err) {
      // A broken policy must fail closed, never open.
      const why = err instanceof Error ? err.message : String(err);
      refusal = new ConnectError(target.name, 'hostkey', `host key could not be checked: ${why}`);
    }
    if (refusal) {
      onRefuse(refusal);
    }
    return refusal === null;
  };
}

const ALGORITHMS_FOR_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Ask first for host key types we hold a record of (as ssh does), so a host with both an RSA and
 * an ed25519 key is not reported "unknown" because it offered the one we never recorded.
 */
export function preferredHostKeys(
  target: SshTarget,
  policy: HostKeyPolicy,
): Algorithms['serverHostKey'] {
  const types = policy.knownTypes?.(hostNames(target), target.port) ?? [];
  const algos = [...new Set(types.flatMap((t) => ALGORITHMS_FOR_TYPE[t] ?? []))];
  // ssh2 applies remove then prepend: together they move these to the front of its default list.
  return algos.length ? { remove: algos, prepend: algos, append: [] } : undefined;
}
