// known_hosts (OpenSSH sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") → entries. Pure. A bad line becomes
// an `invalid` entry carrying an Issue, so one typo never hides the rest of the file.
import type { Issue } from '../../../errors.js';
import { tryKeyTypeOf } from '../fingerprint.js';
import { parseHashedHost, type HashedHost } from '../../ssh-config/index.js';

export type KnownHostsMarker = 'revoked' | 'cert-authority';

/** The host field: a hashed name, or a comma-separated pattern list (`!neg`, `*`, `[h]:port`). */
export type KnownHostsHosts =
  | { kind: 'hashed'; hashed: HashedHost }
  | { kind: 'patterns'; patterns: string[] };

export interface KnownHostsKey {
  kind: 'key';
  file: string;
  line: number; // 1-based
  marker: KnownHostsMarker | null;
  hosts: KnownHostsHosts;
  hostsText: string; // the field as written, for messages and rewriting
  type: string; // e.g. ssh-ed25519
  blob: Buffer; // SSH wire-format public key
  comment: string;
}

export interface KnownHostsInvalid {
  kind: 'invalid';
  file: string;
  line: number;
  issue: Issue;
}

export type KnownHostsEntry = KnownHostsKey | KnownHostsInvalid;

const MARKERS: Record<string, KnownHostsMarker> = {
  '@revoked': 'revoked',
  '@cert-authority': 'cert-authority',
};

/** A whitespace-separated field and the 1-based column it starts at. */
interface Field {
  text: string;
  col: number;
}

function splitFields(line: string): Field[] {
  const fields: Field[] = [];
  for (const m of line.matchAll(/[^ \t]+/g)) {
    fields.push({ text: m[0], col: (m.index ?? 0) + 1 });
  }
  return fields;
}

/** Parse a whole file. Comments and blank lines vanish; every other line yields one entry. */
export function parseKnownHosts(text: string, file: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    entries.push(parseLine(splitFields(line), file, i + 1));
  });
  return entries;
}

function parseLine(fields: Field[], file: string, line: number): KnownHostsEntry {
  const invalid = (col: number, message: string): KnownHostsInvalid => ({
    kind: 'invalid',
    file,
    line,
    issue: { file, line, col, message },
  });
  let rest = fields;
  let marker: KnownHostsMarker | null = null;
  const first = rest[0];
  if (first?.text.startsWith('@')) {
    const m = MARKERS[first.text];
    if (m === undefined) {
      return invalid(
        first.col,
        `unknown marker ${first.text} (expected @revoked or @cert-authority)`,
      );
    }
    marker = m;
    rest = rest.slice(1);
  }
  const [hostsField, typeField, keyField] = rest;
  if (hostsField === undefined || typeField === undefined || keyField === undefined) {
    return invalid(1, 'expected: [marker] hostnames keytype base64-key [comment]');
  }
  const hosts = parseHosts(hostsField.text);
  if (typeof hosts === 'string') {
    return invalid(hostsField.col, hosts);
  }
  const blob = decodeKey(keyField.text, typeField.text);
  if (typeof blob === 'string') {
    return invalid(keyField.col, blob);
  }
  const comment = rest
    .slice(3)
    .map((f) => f.text)
    .join(' ');
  return {
    kind: 'key',
    file,
    line,
    marker,
    hosts,
    hostsText: hostsField.text,
    type: typeField.text,
    blob,
    comment,
  };
}

/** The host field, or a message saying what is wrong with it. */
function parseHosts(field: string): KnownHostsHosts | string {
  if (field.startsWith('|')) {
    const hashed = parseHashedHost(field);
    return hashed === null
      ? 'malformed hashed host (expected |1|salt|hash)'
      : { kind: 'hashed', hashed };
  }
  const patterns = field.split(',');
  if (patterns.some((p) => p === '' || p === '!')) {
    return `empty host pattern in "${field}"`;
  }
  return { kind: 'patterns', patterns };
}

/** The key blob, or a message; the type inside the blob must be the one the line claims. */
function decodeKey(base64: string, type: string): Buffer | string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    return 'key is not base64';
  }
  const blob = Buffer.from(base64, 'base64');
  const inner = tryKeyTypeOf(blob);
  if (inner === null) {
    return 'key data is not an SSH public key';
  }
  if (inner !== type) {
    return `key type ${type} does not match the key data (${inner})`;
  }
  return blob;
}
