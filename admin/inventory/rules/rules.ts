// Stage 4: cross-field rules over the normalized draft. Each rule is a small function that
// reports and returns; every rule runs, and each skips what an earlier stage could not build.
import { report, where, type Ctx } from '../context.js';
import { didYouMean } from './did-you-mean.js';
import { nameHosts } from '../expand.js';
import { foldNodeSet } from '../nodeset.js';
import type { Draft } from '../sections/normalize.js';
import { portsAreUnique, portsDoNotClashOnHosts, portsFitInstances } from './ports.js';
import { VM_RULES } from './vm.js';

type Rule = (draft: Draft, ctx: Ctx) => void;

export function checkRules(draft: Draft, ctx: Ctx): void {
  for (const rule of RULES) {
    rule(draft, ctx);
  }
}

/** Per hosts key, the hosts whose attribute breaks a rule: one issue per key, names folded. */
function byKey(draft: Draft, names: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of names) {
    const key = draft.hostKeys.get(n)!;
    out.set(key, [...(out.get(key) ?? []), n]);
  }
  return out;
}

const vmOnNamesHosts: Rule = (draft, ctx) => {
  if (!draft.known.hostAttrs) {
    return;
  }
  const bad = [...draft.hosts.values()].filter(
    (h) => h.vmOn !== undefined && (h.vmOn === h.name || !draft.hosts.has(h.vmOn)),
  );
  for (const [key, vms] of byKey(
    draft,
    bad.map((h) => h.name),
  )) {
    const targets = [...new Set(vms.map((v) => draft.hosts.get(v)!.vmOn!))];
    const self = vms.some((v) => draft.hosts.get(v)!.vmOn === v);
    const problem = self
      ? 'a host cannot run on itself'
      : `${nameHosts(targets)} not defined under hosts`;
    report(ctx, ['hosts', key, 'vm_on'], `${problem} (vm_on of ${foldNodeSet(vms)})`);
  }
};

/** `vm_on` chains must end at a physical host: a → b → a is a cycle no VM can run in. */
const vmOnHasNoCycle: Rule = (draft, ctx) => {
  if (!draft.known.hostAttrs) {
    return;
  }
  const told = new Set<string>();
  for (const start of draft.hosts.values()) {
    const seen: string[] = [];
    let h: typeof start | undefined = start;
    while (h?.vmOn !== undefined && h.vmOn !== h.name && !seen.includes(h.name)) {
      seen.push(h.name);
      h = draft.hosts.get(h.vmOn);
    }
    if (!h || !seen.includes(h.name) || seen[0] !== h.name) {
      continue; // no cycle, or a cycle this host only leads into (reported from a member)
    }
    const cycle = seen.slice(seen.indexOf(h.name));
    const key = [...cycle].sort().join(' ');
    if (told.has(key)) {
      continue;
    }
    told.add(key);
    report(
      ctx,
      ['hosts', draft.hostKeys.get(start.name)!, 'vm_on'],
      `vm_on makes a cycle: ${[...cycle, h.name].join(' → ')} (a VM runs on a physical host)`,
    );
  }
};

const vmsArePlaced: Rule = (draft, ctx) => {
  const vm = draft.services.get('vm');
  if (!vm || !draft.known.hostAttrs) {
    return;
  }
  const unplaced = vm.hosts.filter((h) => draft.hosts.get(h)?.vmOn === undefined);
  if (unplaced.length === 0) {
    return;
  }
  const has = unplaced.length === 1 ? 'has' : 'have';
  report(ctx, ['services', 'vm', 'hosts'], `${nameHosts(unplaced)} a VM but ${has} no vm_on`);
};

const backendsAreServices: Rule = (draft, ctx) => {
  const backends = draft.services.get('haproxy')?.options.backends as string[] | undefined;
  // A backend that is written but failed its own checks has been reported already.
  const others = draft.writtenServices.filter((k) => k !== 'haproxy');
  for (const backend of backends ?? []) {
    if (others.includes(backend)) {
      continue;
    }
    const hint = didYouMean(backend, others) || ` (services: ${others.join(', ') || 'none'})`;
    report(
      ctx,
      ['services', 'haproxy', 'backends'],
      `backend \`${backend}\` is not a service in this file${hint}`,
    );
  }
};

const ringOptionsAreMembers: Rule = (draft, ctx) => {
  const ring = draft.services.get('cassandra');
  if (!ring) {
    return;
  }
  const members = new Set(ring.hosts);
  const seeds = ring.options.seeds as string[];
  const strangers = seeds.filter((s) => !members.has(s));
  if (strangers.length > 0) {
    report(
      ctx,
      ['services', 'cassandra', 'seeds'],
      `${nameHosts(strangers)} not in the cassandra hosts; seeds must be ring members`,
    );
  }
  const topology = ring.options.topology as Record<string, string> | undefined;
  if (!topology) {
    return;
  }
  const extra = Object.keys(topology).filter((h) => !members.has(h));
  const missing = ring.hosts.filter((h) => topology[h] === undefined);
  const path = ['services', 'cassandra', 'topology'];
  if (extra.length > 0) {
    report(ctx, path, `${nameHosts(extra)} not in the cassandra hosts`, 'key');
  }
  if (missing.length > 0) {
    report(ctx, path, `${nameHosts(missing)} in the ring but not in the topology`, 'key');
  }
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const vpnAddressesAreSound: Rule = (draft, ctx) => {
  if (!draft.known.hostAttrs) {
    return;
  }
  const owner = new Map<string, string>();
  for (const h of draft.hosts.values()) {
    if (h.vpn === undefined) {
      continue;
    }
    const path = ['hosts', draft.hostKeys.get(h.name)!, 'vpn'];
    const first = owner.get(h.vpn);
    if (!IPV4.test(h.vpn)) {
      report(ctx, path, `\`${h.vpn}\` (for ${h.name}) is not an IPv4 address`);
    } else if (first) {
      const firstAt = where(ctx, draft.hosts.get(first)!.pos);
      report(
        ctx,
        path,
        `${h.name} and ${first} both have vpn address ${h.vpn} (${first} at ${firstAt})`,
      );
    } else {
      owner.set(h.vpn, h.name);
    }
  }
};

const meshIsReachable: Rule = (draft, ctx) => {
  const tinc = draft.tinc;
  if (!tinc || !draft.known.hostAttrs) {
    return;
  }
  if (tinc.hosts.length === 0) {
    report(ctx, ['tinc'], 'no host has a vpn address, so the mesh has no members', 'key');
  }
  if (tinc.connectTo === 'all') {
    return;
  }
  const outside = tinc.connectTo.filter((h) => draft.hosts.get(h)?.vpn === undefined);
  if (outside.length > 0) {
    report(ctx, ['tinc', 'connect_to'], `${nameHosts(outside)} not in the mesh (no vpn address)`);
  }
};

const RULES: Rule[] = [
  portsAreUnique,
  portsDoNotClashOnHosts,
  portsFitInstances,
  vmOnNamesHosts,
  vmOnHasNoCycle,
  vmsArePlaced,
  ...VM_RULES,
  backendsAreServices,
  ringOptionsAreMembers,
  vpnAddressesAreSound,
  meshIsReachable,
];
