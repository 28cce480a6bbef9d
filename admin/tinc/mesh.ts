// The mesh the services file describes: members (hosts with a `vpn` address), their tinc names,
// ports, the ConnectTo policy, the interface and the overlay prefix. Pure: no host is touched.
import { isIPv4 } from 'node:net';
import type { Inventory } from '../inventory/types.js';
import { TincError } from './errors.js';
import { nameMap, type NameMap } from './config/index.js';

export interface MeshMember {
  host: string; // services-file name: storm-db3
  name: string; // tinc name: storm_db3
  address: string; // underlay (Address in hosts/NAME)
  vpn: string; // overlay (Subnet VPN/32, tinc-up)
}

export interface MeshSpec {
  netname: string;
  port: number;
  iface: string; // tun interface name (≤ 15 characters)
  prefix: number; // overlay prefix length given to the interface
  members: MeshMember[]; // services-file order
  hubs: 'all' | string[]; // hosts every member dials (connect_to)
  names: NameMap;
}

export function meshSpec(inv: Inventory): MeshSpec {
  const tinc = inv.tinc;
  if (!tinc) {
    throw new TincError(
      `${inv.file}: no tinc section; add one, e.g. tinc: { netname: ${inv.deployment}, connect_to: all }`,
    );
  }
  const names = nameMap(tinc.hosts);
  const members = tinc.hosts.map((host) => member(inv, host, names.toTinc.get(host)!));
  if (members.length === 0) {
    throw new TincError(`${inv.file}: no host has a vpn address, so the mesh has no members`);
  }
  const hubs = tinc.connectTo;
  if (hubs !== 'all') {
    const outside = hubs.filter((h) => !tinc.hosts.includes(h));
    if (hubs.length === 0 || outside.length > 0) {
      throw new TincError(
        `tinc.connect_to: ${outside.length ? `${outside.join(', ')} not in the mesh (no vpn address)` : 'names no host'}`,
      );
    }
  }
  const prefix = meshPrefix(members.map((m) => m.vpn));
  if (prefix === 0) {
    throw new TincError('the vpn addresses share no first octet; put the overlay in one /8');
  }
  return {
    netname: tinc.netname,
    port: tinc.port,
    iface: tinc.netname.slice(0, 15),
    prefix,
    members,
    hubs,
    names,
  };
}

function member(inv: Inventory, host: string, name: string): MeshMember {
  const spec = inv.hosts.get(host);
  const vpn = spec?.vpn;
  if (!spec || vpn === undefined) {
    throw new TincError(`${host}: not in the services file with a vpn address`);
  }
  if (!isIPv4(vpn)) {
    throw new TincError(`${host}: vpn address ${JSON.stringify(vpn)} is not an IPv4 address`);
  }
  return { host, name, address: spec.address, vpn };
}

/**
 * The prefix the interface gets: the members' common prefix rounded down to a whole octet and
 * never longer than /16 (10.1.N.1 → /16; 10.1.x and 10.2.x together → /8). Rounding keeps it
 * stable as hosts come and go, so adding one host does not rewrite every tinc-up.
 */
export function meshPrefix(vpns: readonly string[]): number {
  const octets = vpns.map((v) => v.split('.'));
  let common = 0;
  while (common < 2 && octets.every((o) => o[common] === octets[0]![common])) {
    common++;
  }
  return common * 8;
}

/** The tinc names `m` dials: every other member, or the hubs but itself. */
export function connectTargets(spec: MeshSpec, m: MeshMember): MeshMember[] {
  const hubs = spec.hubs;
  return spec.members.filter((o) => o.host !== m.host && (hubs === 'all' || hubs.includes(o.host)));
}

export function memberOf(spec: MeshSpec, host: string): MeshMember | undefined {
  return spec.members.find((m) => m.host === host);
}
