// Checking a presented host key against known_hosts files, with OpenSSH's verdicts.
import { readFile } from 'node:fs/promises';
import type { Issue } from '../../../errors.js';
import { fingerprintSha256, keyFamily, tryKeyTypeOf } from '../fingerprint.js';
import { hostPortString, matchHashedHost, matchPatternList } from '../../ssh-config/index.js';
import { parseKnownHosts, type KnownHostsEntry, type KnownHostsKey } from './parse.js';
import { KnownHostsIndex } from './lookup.js';

export { parseKnownHosts } from './parse.js';
export type {
  KnownHostsEntry,
  KnownHostsKey,
  KnownHostsInvalid,
  KnownHostsMarker,
} from './parse.js';

/** A known_hosts line that disagrees with the presented key. */
export interface KnownKeyRef {
  file: string;
  line: number;
  type: string;
  fingerprint: string;
  host: string; // the host string that line matched: `cloud3` or `[cloud3]:2222`
}

export type HostKeyCheck =
  | { status: 'ok' }
  | { status: 'unknown' }
  | { status: 'changed'; known: KnownKeyRef[] }
  | { status: 'revoked'; file: string; line: number };

/** Does this line name this host string (`name` or `[name]:port`)? */
export function entryMatchesHost(entry: KnownHostsKey, hostString: string): boolean {
  if (entry.hosts.kind === 'hashed') {
    return matchHashedHost(hostString, entry.hosts.hashed);
  }
  return matchPatternList(hostString, entry.hosts.patterns);
}

/** Every known_hosts file Salvo consults, loaded once and queried per host. */
export class KnownHosts {
  // Cert-authority lines vouch for certificates, never for a plain host key: left out here.
  private keys: KnownHostsKey[] = [];
  private index: KnownHostsIndex = new KnownHostsIndex([]);
  private current: readonly KnownHostsEntry[] = [];

  private constructor(
    readonly files: readonly string[],
    entries: readonly KnownHostsEntry[],
  ) {
    this.use(entries);
  }

  get entries(): readonly KnownHostsEntry[] {
    return this.current;
  }

  private use(entries: readonly KnownHostsEntry[]): void {
    this.current = entries;
    this.keys = entries.filter(
      (e): e is KnownHostsKey => e.kind === 'key' && e.marker !== 'cert-authority',
    );
    this.index = new KnownHostsIndex(this.keys);
  }

  /** Read the files again (after Salvo itself recorded keys, e.g. a new guest's). */
  async reload(): Promise<void> {
    const entries: KnownHostsEntry[] = [];
    for (const file of this.files) {
      entries.push(...(await loadFile(file)));
    }
    this.use(entries);
  }

  /** Load files in order; a missing file is an empty one, an unreadable one becomes an issue. */
  static async load(files: string[]): Promise<KnownHosts> {
    const entries: KnownHostsEntry[] = [];
    for (const file of files) {
      entries.push(...(await loadFile(file)));
    }
    return new KnownHosts(files, entries);
  }

  static fromEntries(entries: KnownHostsEntry[]): KnownHosts {
    return new KnownHosts([...new Set(entries.map((e) => e.file))], entries);
  }

  /** Malformed lines, with file:line, for `salvo hosts check` or a warning. */
  get issues(): Issue[] {
    return this.entries.flatMap((e) => (e.kind === 'invalid' ? [e.issue] : []));
  }

  /** Plain (non-CA) key lines, revoked ones included, that name any of `names` on `port`. */
  linesFor(names: string[], port: number): KnownHostsKey[] {
    const hostStrings = uniqueHostStrings(names, port);
    return this.index.matching(...hostStrings);
  }

  /**
   * OpenSSH's verdict. `names` are every name the host goes by (inventory name, address):
   * the key proves the host's identity if it is listed for any of them. Revoked wins over all;
   * a different key of the same type for some name (and no match) is `changed`; else `unknown`.
   */
  check(names: string[], port: number, key: Buffer): HostKeyCheck {
    const family = keyFamily(tryKeyTypeOf(key) ?? '');
    const changed: KnownKeyRef[] = [];
    let ok = false;
    for (const hostString of uniqueHostStrings(names, port)) {
      for (const e of this.index.matching(hostString)) {
        const same = e.blob.equals(key);
        if (e.marker === 'revoked') {
          if (same) {
            return { status: 'revoked', file: e.file, line: e.line };
          }
        } else if (same) {
          ok = true;
        } else if (
          keyFamily(e.type) === family &&
          !changed.some((c) => c.file === e.file && c.line === e.line)
        ) {
          changed.push({
            file: e.file,
            line: e.line,
            type: e.type,
            fingerprint: fingerprintSha256(e.blob),
            host: hostString,
          });
        }
      }
    }
    if (ok) {
      return { status: 'ok' };
    }
    return changed.length > 0 ? { status: 'changed', known: changed } : { status: 'unknown' };
  }

  /**
   * Key types already trusted for the host, so a connection can prefer them in its host-key
   * algorithm list (as ssh does) instead of negotiating a type we hold no line for.
   */
  knownTypes(names: string[], port: number): string[] {
    const types = this.linesFor(names, port)
      .filter((e) => e.marker === null)
      .map((e) => e.type);
    return [...new Set(types)];
  }
}

function uniqueHostStrings(names: string[], port: number): string[] {
  return [...new Set(names.filter((n) => n !== '').map((n) => hostPortString(n, port)))];
}

async function loadFile(file: string): Promise<KnownHostsEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return [];
    }
    const issue = {
      file,
      line: 1,
      col: 1,
      message: `cannot read known_hosts: ${code ?? String(err)}`,
    };
    return [{ kind: 'invalid', file, line: 1, issue }];
  }
}
