// Rules of the vm section, judged before anything starts: base images that exist (vm/images/),
// no two guests with one MAC or one address, guests that fit their physical host (`capacity`).
import { join } from 'node:path';
import { fileExists, report, where, type Ctx } from '../context.js';
import { nameHosts } from '../expand.js';
import { foldNodeSet } from '../nodeset.js';
import type { Draft } from '../sections/normalize.js';
import { guestSpecs, VM_IMAGES_DIR, type GuestSpec } from '../vm-guests.js';

type Rule = (draft: Draft, ctx: Ctx) => void;

function guestsOf(draft: Draft): GuestSpec[] {
  if (!draft.known.hostAttrs) {
    return [];
  }
  const vm = draft.services.get('vm');
  const guests = guestSpecs(vm, draft.hosts, draft.deployment ?? 'salvo');
  // vm_on naming an unknown host is reported by vmOnNamesHosts
  return guests.filter((g) => draft.hosts.has(g.physical) && g.physical !== g.name);
}

const baseImagesExist: Rule = (draft, ctx) => {
  const vm = draft.services.get('vm');
  // No vm/images/ next to the file: images are not managed here (a copied file, a test).
  if (!vm || !fileExists(ctx, join(ctx.dir, VM_IMAGES_DIR))) {
    return;
  }
  const known = new Map<string, boolean>();
  const exists = (name: string): boolean => {
    if (!known.has(name)) {
      known.set(name, fileExists(ctx, join(ctx.dir, VM_IMAGES_DIR, `${name}.json`)));
    }
    return known.get(name)!;
  };
  const hint = (name: string): string =>
    ` (no ${VM_IMAGES_DIR}/${name}.json next to the services file)`;
  if (typeof vm.options.base === 'string' && !exists(vm.options.base)) {
    report(
      ctx,
      ['services', 'vm', 'base'],
      `unknown base image \`${vm.options.base}\`${hint(vm.options.base)}`,
    );
  }
  const guests = (vm.options.guests ?? {}) as Record<
    string,
    { value: { base?: string }; key: string }
  >;
  const reported = new Set<string>();
  for (const { value, key } of Object.values(guests)) {
    if (value.base !== undefined && !exists(value.base) && !reported.has(key)) {
      reported.add(key);
      report(
        ctx,
        ['services', 'vm', 'guests', key, 'base'],
        `unknown base image \`${value.base}\`${hint(value.base)}`,
      );
    }
  }
};

const guestsAreVmHosts: Rule = (draft, ctx) => {
  const vm = draft.services.get('vm');
  if (!vm?.options.guests) {
    return;
  }
  const members = new Set(vm.hosts);
  const keys = new Map<string, string[]>();
  for (const [host, { key }] of Object.entries(
    vm.options.guests as Record<string, { key: string }>,
  )) {
    if (!members.has(host)) {
      keys.set(key, [...(keys.get(key) ?? []), host]);
    }
  }
  for (const [key, hosts] of keys) {
    report(
      ctx,
      ['services', 'vm', 'guests', key],
      `${nameHosts(hosts)} not in the vm hosts`,
      'key',
    );
  }
};

const macsAreUnique: Rule = (draft, ctx) => {
  const owner = new Map<string, GuestSpec>();
  for (const g of guestsOf(draft)) {
    const first = owner.get(g.mac);
    if (!first) {
      owner.set(g.mac, g);
      continue;
    }
    const path = g.overrideKey
      ? ['services', 'vm', 'guests', g.overrideKey, 'mac']
      : ['hosts', draft.hostKeys.get(g.name)!];
    report(
      ctx,
      path,
      `${g.name} and ${first.name} both have MAC ${g.mac} (${first.name} at ${where(ctx, first.pos)})`,
      g.overrideKey ? 'value' : 'key',
    );
  }
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const guestAddressesAreUnique: Rule = (draft, ctx) => {
  const guests = guestsOf(draft);
  if (guests.length === 0) {
    return;
  }
  const byAddress = new Map<string, string>();
  for (const h of draft.hosts.values()) {
    if (!byAddress.has(h.address)) {
      byAddress.set(h.address, h.name);
    }
  }
  for (const g of guests) {
    const path = ['hosts', draft.hostKeys.get(g.name)!, 'address'];
    if (!IPV4.test(g.address)) {
      continue; // a name, not an address: refused when the guest starts
    }
    const first = byAddress.get(g.address);
    if (first !== undefined && first !== g.name) {
      const at = where(ctx, draft.hosts.get(first)!.pos);
      report(
        ctx,
        path,
        `${g.name} and ${first} both have address ${g.address} (${first} at ${at})`,
      );
    }
  }
};

interface Capacity {
  vcpus?: number;
  memory?: number;
}

const guestsFitTheirHosts: Rule = (draft, ctx) => {
  const vm = draft.services.get('vm');
  const capacity = vm?.options.capacity as
    | Record<string, { value: Capacity; key: string }>
    | undefined;
  if (!capacity) {
    return;
  }
  const byPhysical = new Map<string, GuestSpec[]>();
  for (const g of guestsOf(draft)) {
    byPhysical.set(g.physical, [...(byPhysical.get(g.physical) ?? []), g]);
  }
  for (const [physical, guests] of byPhysical) {
    const cap = capacity[physical];
    if (!cap) {
      continue;
    }
    const path = ['services', 'vm', 'capacity', cap.key];
    const names = `guests ${foldNodeSet(guests.map((g) => g.name))}`;
    const vcpus = guests.reduce((a, g) => a + g.vcpus, 0);
    const mem = guests.reduce((a, g) => a + g.memoryMiB, 0) / 1024;
    if (cap.value.vcpus !== undefined && vcpus > cap.value.vcpus) {
      report(
        ctx,
        path,
        `${names} on ${physical} need ${vcpus} vcpus, but ${physical} has ${cap.value.vcpus}`,
        'key',
      );
    }
    if (cap.value.memory !== undefined && mem > cap.value.memory) {
      report(
        ctx,
        path,
        `${names} on ${physical} need ${mem} GiB of RAM, but ${physical} has ${cap.value.memory} GiB`,
        'key',
      );
    }
  }
};

export const VM_RULES: Rule[] = [
  baseImagesExist,
  guestsAreVmHosts,
  macsAreUnique,
  guestAddressesAreUnique,
  guestsFitTheirHosts,
];
