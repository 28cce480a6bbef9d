// Adding and removing host keys in a known_hosts file. The text transforms are pure; the
// exported async functions apply them through one atomic rewrite.
import { randomBytes } from 'node:crypto';
import { keyTypeOf } from '../fingerprint.js';
import { formatHashedHost, hostPortString } from '../../ssh-config/index.js';
import { entryMatchesHost } from './index.js';
import { parseKnownHosts, type KnownHostsKey } from './parse.js';
import { rewriteFile } from './file.js';

/** A key to record for a host known by `names` on `port`. */
export interface NewHostKey {
  names: string[];
  port: number;
  blob: Buffer;
}

/** Hosts whose lines to drop: every name on `port`. */
export interface HostRef {
  names: string[];
  port: number;
}

export interface EditPlan {
  remove?: HostRef[];
  add?: NewHostKey[];
  hash?: boolean; // write `|1|salt|hash` names, as HashKnownHosts yes does
}

/** Append keys; a name that already lists this exact key is skipped. Returns the lines written. */
export async function appendKnownHosts(
  file: string,
  entries: NewHostKey[],
  opts: { hash?: boolean } = {},
): Promise<string[]> {
  return (await editKnownHosts(file, { add: entries, hash: opts.hash })).added;
}

/** Drop every key line naming these hosts (like `ssh-keygen -R`). Returns how many names went. */
export async function removeKnownHosts(file: string, hosts: HostRef[]): Promise<number> {
  return (await editKnownHosts(file, { remove: hosts })).removed;
}

/** Removals, then additions, in one atomic rewrite: a replaced key is never half-done. */
export async function editKnownHosts(
  file: string,
  plan: EditPlan,
): Promise<{ added: string[]; removed: number }> {
  let result = { added: [] as string[], removed: 0 };
  await rewriteFile(file, (old) => {
    const removal = removeHostLines(old, file, plan.remove ?? []);
    const addition = appendHostLines(removal.text, file, plan.add ?? [], plan.hash ?? false);
    result = { added: addition.added, removed: removal.removed };
    return addition.text;
  });
  return result;
}

/** Pure: `text` with the new lines at the end, minus names that already list the same key. */
export function appendHostLines(
  text: string,
  file: string,
  entries: NewHostKey[],
  hash: boolean,
): { text: string; added: string[] } {
  const keys = parseKnownHosts(text, file).filter(
    (e): e is KnownHostsKey => e.kind === 'key' && e.marker === null,
  );
  const listed = (h: string, blob: Buffer): boolean =>
    keys.some((k) => k.blob.equals(blob) && entryMatchesHost(k, h));
  const added: string[] = [];
  const seen = new Set<string>(); // host string + key, to skip duplicates within this batch
  for (const entry of entries) {
    const base64 = entry.blob.toString('base64');
    const hostStrings = entry.names
      .map((n) => hostPortString(n, entry.port))
      .filter((h) => {
        const id = `${h} ${base64}`;
        if (seen.has(id) || listed(h, entry.blob)) {
          return false;
        }
        seen.add(id);
        return true;
      });
    added.push(...formatLines(hostStrings, keyTypeOf(entry.blob), base64, hash));
  }
  if (added.length === 0) {
    return { text, added };
  }
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return { text: `${text}${sep}${added.join('\n')}\n`, added };
}

function formatLines(hostStrings: string[], type: string, base64: string, hash: boolean): string[] {
  if (hostStrings.length === 0) {
    return [];
  }
  // A hashed field holds one name, so hashing writes one line per name.
  if (hash) {
    return hostStrings.map((h) => `${formatHashedHost(h, randomBytes(20))} ${type} ${base64}`);
  }
  return [`${hostStrings.join(',')} ${type} ${base64}`];
}

/**
 * Pure: drop the names of these hosts from plain key lines (a line left with no name goes) and
 * drop hashed lines that hash to one of them. Wildcard patterns and @revoked/@cert-authority
 * lines stay: they speak for other hosts too, and a revocation must never be undone by accident.
 */
export function removeHostLines(
  text: string,
  file: string,
  hosts: HostRef[],
): { text: string; removed: number } {
  const hostStrings = hosts.flatMap((h) => h.names.map((n) => hostPortString(n, h.port)));
  if (hostStrings.length === 0) {
    return { text, removed: 0 };
  }
  const byLine = new Map<number, KnownHostsKey>();
  for (const e of parseKnownHosts(text, file)) {
    if (e.kind === 'key' && e.marker === null) {
      byLine.set(e.line, e);
    }
  }
  let removed = 0;
  const lines = text.split('\n').flatMap((line, i) => {
    const entry = byLine.get(i + 1);
    if (entry === undefined) {
      return [line];
    }
    const edit = withoutHosts(entry, hostStrings);
    removed += edit.removed;
    if (edit.hostsText === null) {
      return [];
    }
    const hostsText = edit.hostsText;
    // A function, so `$` in a pattern is never read as a replacement token.
    return [edit.removed > 0 ? line.replace(entry.hostsText, () => hostsText) : line];
  });
  return { text: lines.join('\n'), removed };
}

/** The line's host field without these hosts; null when nothing naming a host is left. */
function withoutHosts(
  entry: KnownHostsKey,
  hostStrings: string[],
): { hostsText: string | null; removed: number } {
  if (entry.hosts.kind === 'hashed') {
    const hit = hostStrings.some((h) => entryMatchesHost(entry, h));
    return hit ? { hostsText: null, removed: 1 } : { hostsText: entry.hostsText, removed: 0 };
  }
  const kept = entry.hosts.patterns.filter((p) => !hostStrings.includes(p.toLowerCase()));
  const removed = entry.hosts.patterns.length - kept.length;
  const positive = kept.some((p) => !p.startsWith('!'));
  return { hostsText: positive ? kept.join(',') : null, removed };
}
