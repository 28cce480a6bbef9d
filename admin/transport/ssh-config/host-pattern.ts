// OpenSSH's host patterns (match.c), shared by known_hosts and ssh_config: `*` is any run of
// characters, `?` exactly one, `!pattern` vetoes a list. Written by hand because the ssh-config
// package's glob treats `?` as "zero or one" and is case-sensitive, unlike ssh.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Glob match of one pattern against a whole string (no regex: patterns hold `.`, `[`, `]`). */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1; // position after the last `*`, to backtrack to
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = ++p;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') {
    p++;
  }
  return p === pattern.length;
}

/**
 * A pattern list (already split): true when some positive pattern matches and no negated one
 * does. Case-insensitive by default, as ssh's match_hostname (known_hosts, `Match host`);
 * ssh_config's `Host` lines and `Match user` compare case-sensitively.
 */
export function matchPatternList(
  text: string,
  patterns: readonly string[],
  caseSensitive = false,
): boolean {
  const fold = (s: string): string => (caseSensitive ? s : s.toLowerCase());
  const subject = fold(text);
  let positive = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = fold(negated ? raw.slice(1) : raw);
    if (!matchPattern(subject, pattern)) {
      continue;
    }
    if (negated) {
      return false; // a veto wins whatever else matched
    }
    positive = true;
  }
  return positive;
}

/** How known_hosts spells a host: `name` on port 22, `[name]:port` elsewhere. */
export function hostPortString(name: string, port: number): string {
  const host = name.toLowerCase();
  return port === 22 || port === 0 ? host : `[${host}]:${port}`;
}

/** A hashed known_hosts host field `|1|salt|hash`, decoded. */
export interface HashedHost {
  salt: Buffer;
  hash: Buffer;
}

/** Decode `|1|base64salt|base64hash`; null when the field is not a valid hashed host. */
export function parseHashedHost(field: string): HashedHost | null {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
  if (m === null) {
    return null;
  }
  const salt = Buffer.from(m[1] ?? '', 'base64');
  const hash = Buffer.from(m[2] ?? '', 'base64');
  // HMAC-SHA1: ssh-keygen always uses a 20-byte salt and the digest is 20 bytes.
  if (salt.length !== 20 || hash.length !== 20) {
    return null;
  }
  return { salt, hash };
}

/** HMAC-SHA1 of the host string keyed by the salt, as ssh-keygen -H writes it. */
export function hashHost(hostString: string, salt: Buffer): Buffer {
  return createHmac('sha1', salt).update(hostString).digest();
}

export function matchHashedHost(hostString: string, hashed: HashedHost): boolean {
  return timingSafeEqual(hashHost(hostString, hashed.salt), hashed.hash);
}

/** The `|1|salt|hash` field for a host string, with a fresh or given salt. */
export function formatHashedHost(hostString: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${hashHost(hostString, salt).toString('base64')}`;
}
