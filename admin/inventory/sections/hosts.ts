// The hosts section: node-set keys expanded to one HostSpec per name, `{n}` filled in,
// the address defaulting to the name. A name under two keys is reported with both places.
import { report, type Ctx } from '../context.js';
import { expandIn } from '../expand.js';
import { reportTwice } from '../rules/index.js';
import { fillNumber, hostNumber, numberPaths } from './template.js';
import type { HostAttrs } from '../schema/index.js';
import type { HostSpec } from '../types.js';

export interface HostTable {
  hosts: Map<string, HostSpec>;
  keyOf: Map<string, string>; // host name → the hosts key that defined it (for positions)
}

export function normalizeHosts(entries: Record<string, HostAttrs | null>, ctx: Ctx): HostTable {
  const table: HostTable = { hosts: new Map(), keyOf: new Map() };
  for (const [key, attrs] of Object.entries(entries)) {
    const names = expandKey(key, ctx);
    if (!names) {
      continue;
    }
    const dups = names.filter((n) => table.keyOf.has(n));
    reportTwice(dups, (n) => table.keyOf.get(n)!, ['hosts', key], ['hosts'], ctx, 'defined');
    const fresh = names.filter((n) => !table.keyOf.has(n));
    reportMissingNumbers(fresh, key, attrs ?? {}, ctx);
    const pos = ctx.locator.at(['hosts', key], 'key'); // one lookup per key, not per host
    for (const name of fresh) {
      table.hosts.set(name, makeHost(name, attrs ?? {}, pos));
      table.keyOf.set(name, key);
    }
  }
  return table;
}

function expandKey(key: string, ctx: Ctx): string[] | undefined {
  if (key.includes('@')) {
    report(
      ctx,
      ['hosts', key],
      'a hosts key is a node set of names; groups (@name) are made from hosts, not used here',
      'key',
    );
    return undefined;
  }
  // A plain name (no range, list or operator) is itself: the common case of a long hosts list.
  const names = PLAIN.test(key)
    ? [key]
    : expandIn(ctx, key, ['hosts', key], 'key', { hosts: null, groups: null });
  // ClusterShell keeps blanks inside names ("tigrou 1"); no host can be called that.
  const blank = names?.find((name) => /\s/.test(name));
  if (blank !== undefined) {
    report(ctx, ['hosts', key], `host name ${JSON.stringify(blank)} contains a blank`, 'key');
    return undefined;
  }
  const bad = names?.find((name) => !HOST_NAME.test(name));
  if (bad !== undefined) {
    report(
      ctx,
      ['hosts', key],
      `host name ${JSON.stringify(bad)} is not a host name: ${HOST_NAME_RULE}`,
      'key',
    );
    return undefined;
  }
  return names;
}

const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * What DNS and ssh accept as a name (RFC 1123 labels, plus `_` as ssh_config Host aliases allow):
 * a name reaches ssh_config lookups, file names and remote commands, so nothing else gets in.
 */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;
export const HOST_NAME_RULE =
  'letters, digits, `-` and `_` in dot-separated labels of at most 63 characters, not starting or ending with `-`, at most 253 in all';

function makeHost(name: string, attrs: HostAttrs, pos: HostSpec['pos']): HostSpec {
  const n = hostNumber(name);
  const a = fillNumber(attrs, n);
  const host: HostSpec = { name, n, address: a.address ?? name, vars: a.vars ?? {}, pos };
  if (a.vpn !== undefined) {
    host.vpn = a.vpn;
  }
  if (a.vm_on !== undefined) {
    host.vmOn = a.vm_on;
  }
  if (a.port !== undefined) {
    host.port = Number(a.port);
  }
  if (a.user !== undefined) {
    host.user = a.user;
  }
  return host;
}

/** `{n}` only makes sense for hosts whose name has a number. */
function reportMissingNumbers(names: string[], key: string, attrs: HostAttrs, ctx: Ctx): void {
  const without = names.filter((n) => hostNumber(n) === null);
  if (without.length === 0) {
    return;
  }
  const subject =
    without.length === 1 ? `\`${without[0]}\` has none` : `${without.join(', ')} have none`;
  for (const path of numberPaths(attrs)) {
    report(ctx, ['hosts', key, ...path], `\`{n}\` needs a number in the host name, but ${subject}`);
  }
}

/** A port written as a template ("22{n}") must still come out as a port number. */
export function checkHostPorts(table: HostTable, ctx: Ctx): void {
  for (const host of table.hosts.values()) {
    const { port } = host;
    // NaN: `{n}` in a host without a number, reported already.
    if (
      port === undefined ||
      Number.isNaN(port) ||
      (Number.isInteger(port) && port >= 1 && port <= 65535)
    ) {
      continue;
    }
    const path = ['hosts', table.keyOf.get(host.name)!, 'port'];
    report(ctx, path, `gives ${host.name} port ${String(port)}, not a port number (1-65535)`);
  }
}
