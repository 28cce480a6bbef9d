// What the operator reads when a host key is not the one on record. Each message says what was
// seen, where the record is, and the exact commands that resolve it.
import { ConnectError } from '../../errors.js';
import { quote } from '../command.js';
import { describeKey, keyLabel } from './fingerprint.js';
import type { HostKeyCheck, KnownKeyRef } from './known-hosts/index.js';
import type { SshTarget } from '../types.js';

export type HostIdentity = Pick<SshTarget, 'name' | 'hostname' | 'port'>;

/** `cloud3 (198.18.1.3:22)`; IPv6 addresses in brackets. */
export function describeHost(t: HostIdentity): string {
  const address = t.hostname.includes(':') ? `[${t.hostname}]` : t.hostname;
  return `${t.name} (${address}:${t.port})`;
}

function trustCommand(t: HostIdentity): string {
  return `salvo hosts trust ${quote(t.name)}`;
}

export function unknownHostKeyMessage(t: HostIdentity, key: Buffer): string {
  return (
    `host key for ${describeHost(t)} is not known (${describeKey(key)}); ` +
    `if you expect this host, run: ${trustCommand(t)}`
  );
}

export function changedHostKeyMessage(t: HostIdentity, key: Buffer, known: KnownKeyRef[]): string {
  const expected = known
    .map((k) => `${keyLabel(k.type)} ${k.fingerprint} from ${k.file}:${k.line}`)
    .join(', ');
  // One `ssh-keygen -R` per (name, file): it removes one host name from one file.
  const removals = [
    ...new Set(known.map((k) => `ssh-keygen -R ${quote(k.host)} -f ${quote(k.file)}`)),
  ];
  return (
    `HOST KEY CHANGED for ${describeHost(t)}: expected ${expected}, got ${describeKey(key)}; ` +
    'this may be a man-in-the-middle attack. ' +
    `If the host was reinstalled: ${removals.join('; ')}, then ${trustCommand(t)}`
  );
}

export function revokedHostKeyMessage(
  t: HostIdentity,
  key: Buffer,
  file: string,
  line: number,
): string {
  return `host key for ${describeHost(t)} is REVOKED (${describeKey(key)}, @revoked at ${file}:${line}); refusing to connect`;
}

/** The message for a failed check; null when the key is fine. */
export function hostKeyMessage(t: HostIdentity, key: Buffer, check: HostKeyCheck): string | null {
  switch (check.status) {
    case 'ok':
      return null;
    case 'unknown':
      return unknownHostKeyMessage(t, key);
    case 'changed':
      return changedHostKeyMessage(t, key, check.known);
    case 'revoked':
      return revokedHostKeyMessage(t, key, check.file, check.line);
  }
}

/** The error a transport throws for a failed check (`unknown-host` or `hostkey`); null when fine. */
export function hostKeyError(
  t: HostIdentity,
  key: Buffer,
  check: HostKeyCheck,
): ConnectError | null {
  const message = hostKeyMessage(t, key, check);
  if (message === null) {
    return null;
  }
  return new ConnectError(t.name, check.status === 'unknown' ? 'unknown-host' : 'hostkey', message);
}
