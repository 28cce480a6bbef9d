// tinc 1.0 node names allow only [A-Za-z0-9_]. Salvo maps a services-file host name to its tinc
// name explicitly (storm-db3 → storm_db3) and refuses names that have no faithful mapping, or
// two hosts that would collide, instead of letting tincd reject them on a host at 3 a.m.
import { TincError } from '../errors.js';

const TINC_NAME = /^[A-Za-z0-9_]+$/;

export function isTincName(name: string): boolean {
  return TINC_NAME.test(name);
}

/** `storm-db3` → `storm_db3`. Throws for names with characters other than letters, digits, `-`, `_`. */
export function tincName(host: string): string {
  const name = host.replace(/-/g, '_');
  if (!isTincName(name)) {
    throw new TincError(
      `host ${JSON.stringify(host)}: tinc 1.0 names allow only letters, digits and _ ` +
        `(Salvo maps - to _, nothing else)`,
    );
  }
  return name;
}

/** Both directions for a set of hosts; throws when two hosts map to one tinc name. */
export interface NameMap {
  toTinc: Map<string, string>; // host → tinc name
  toHost: Map<string, string>; // tinc name → host
}

export function nameMap(hosts: readonly string[]): NameMap {
  const toTinc = new Map<string, string>();
  const toHost = new Map<string, string>();
  for (const host of hosts) {
    const name = tincName(host);
    const other = toHost.get(name);
    if (other !== undefined && other !== host) {
      throw new TincError(
        `hosts ${other} and ${host} both map to the tinc name ${name}; rename one`,
      );
    }
    toTinc.set(host, name);
    toHost.set(name, host);
  }
  return { toTinc, toHost };
}
