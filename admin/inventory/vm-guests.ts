// The vm section resolved per guest: the service's options, a guest's overrides (`guests:`),
// its host entry (address, vm_on) and a MAC derived from deployment and name. Used by the rules
// (admin/inventory/rules/vm.ts) and by the VM subsystem (admin/vm/).
import { nodeCrypto } from './on-first-use.js';
import type { HostSpec, Inventory, ServiceSpec, SourcePos } from './types.js';

/** Image metadata files live here, relative to the services file's directory. */
export const VM_IMAGES_DIR = 'vm/images';

export interface GuestDisk {
  name: string;
  sizeGiB: number;
}

export interface GuestSpec {
  name: string; // the guest's host name
  physical: string; // vm_on
  address: string;
  prefix: number;
  gateway?: string;
  mac: string;
  vcpus: number;
  memoryMiB: number;
  base: string;
  disks: GuestDisk[];
  bridge: string;
  dir: string; // state directory on the physical host
  accel: 'auto' | 'kvm' | 'tcg';
  driver: 'qemu' | 'libvirt';
  stopTimeoutSec: number;
  /** The `guests:` key whose overrides apply, if any (for error positions). */
  overrideKey?: string;
  pos: SourcePos;
}

interface Overrides {
  base?: string;
  vcpus?: number;
  memory?: number;
  disks?: Record<string, number>;
  mac?: string;
}

/** 52:54:00 (QEMU's prefix) + 3 bytes of sha256(deployment/name): the same on every run. */
export function deterministicMac(deployment: string, name: string): string {
  const h = nodeCrypto().createHash('sha256').update(`${deployment}/${name}`).digest();
  return ['52', '54', '00', ...[0, 1, 2].map((i) => h[i]!.toString(16).padStart(2, '0'))].join(':');
}

/** Every guest of the vm service that has a vm_on, in services-file order. */
export function guestSpecs(
  vm: ServiceSpec | undefined,
  hosts: Map<string, HostSpec>,
  deployment: string,
): GuestSpec[] {
  if (!vm) {
    return [];
  }
  const o = vm.options;
  const overrides = (o.guests ?? {}) as Record<string, { value: Overrides; key: string }>;
  const out: GuestSpec[] = [];
  for (const name of vm.hosts) {
    const host = hosts.get(name);
    if (!host?.vmOn) {
      continue;
    }
    const over = overrides[name];
    const ov = over?.value ?? {};
    const disks = {
      ...((o.disks as Record<string, number> | undefined) ?? {}),
      ...(ov.disks ?? {}),
    };
    const spec: GuestSpec = {
      name,
      physical: host.vmOn,
      address: host.address,
      prefix: o.prefix as number,
      mac: ov.mac ?? deterministicMac(deployment, name),
      vcpus: ov.vcpus ?? (o.vcpus as number),
      memoryMiB: Math.round((ov.memory ?? (o.memory as number)) * 1024),
      base: ov.base ?? (o.base as string),
      disks: Object.entries(disks).map(([d, sizeGiB]) => ({ name: d, sizeGiB })),
      bridge: o.bridge as string,
      dir: o.dir as string,
      accel: o.accel as GuestSpec['accel'],
      driver: (o.driver as GuestSpec['driver'] | undefined) ?? 'qemu',
      stopTimeoutSec: (o.stop_timeout as number | undefined) ?? 30,
      pos: host.pos,
    };
    if (o.gateway !== undefined) {
      spec.gateway = o.gateway as string;
    }
    if (over) {
      spec.overrideKey = over.key;
    }
    out.push(spec);
  }
  return out;
}

/** The guests of a loaded inventory. */
export function inventoryGuests(inv: Inventory): GuestSpec[] {
  return guestSpecs(inv.services.get('vm'), inv.hosts, inv.deployment);
}
