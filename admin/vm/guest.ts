// A guest as the qemu driver needs it: its resolved spec (admin/inventory/vm-guests.ts), the
// base image's metadata (vm/images/NAME.json next to the services file), its tap device name.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { inventoryGuests, VM_IMAGES_DIR, type GuestSpec } from '../inventory/vm-guests.js';

export type { GuestSpec };

/** What vm/images/NAME.json says: files in DIR/images/NAME/ on each physical host. */
export interface ImageMeta {
  name: string;
  disk: string; // the system disk (qcow2) every start overlays
  kernel?: string; // direct kernel boot (else the disk boots)
  initrd?: string;
  append?: string;
  description?: string;
  /** The checksum `salvo vm image push` published it with (sha256 of its SHA256SUMS). */
  sha256?: string;
}

/** The files of an image, as its metadata names them. */
export function imageFiles(meta: ImageMeta): string[] {
  return [meta.disk, meta.kernel, meta.initrd].filter((f): f is string => f !== undefined);
}

const FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function readImage(inv: Inventory, name: string): ImageMeta {
  return readImageMeta(join(inv.dir, VM_IMAGES_DIR, `${name}.json`), name);
}

/** An image's metadata file (vm/images/NAME.json, or image.json in a directory to push). */
export function readImageMeta(path: string, name: string): ImageMeta {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError([
      { file: path, line: 1, col: 1, message: `base image ${name}: ${(e as Error).message}` },
    ]);
  }
  const str = (k: string): string | undefined => {
    const v = raw[k];
    if (v === undefined) {
      return undefined;
    }
    if (typeof v !== 'string' || (k !== 'append' && k !== 'description' && !FILE.test(v))) {
      throw new ConfigError([
        {
          file: path,
          line: 1,
          col: 1,
          message: `${k}: expected a file name in the image directory`,
        },
      ]);
    }
    return v;
  };
  const disk = str('disk');
  if (!disk) {
    throw new ConfigError([
      { file: path, line: 1, col: 1, message: 'disk: required (the qcow2 system disk)' },
    ]);
  }
  const meta: ImageMeta = { name, disk };
  for (const k of ['kernel', 'initrd', 'append', 'description'] as const) {
    const v = str(k);
    if (v !== undefined) {
      meta[k] = v;
    }
  }
  if (typeof raw.sha256 === 'string' && /^[0-9a-f]{64}$/.test(raw.sha256)) {
    meta.sha256 = raw.sha256;
  }
  return meta;
}

/** Linux interface names are at most 15 bytes: `sv` + 10 hex digits of deployment/name. */
export function tapName(deployment: string, guest: string): string {
  return `sv${createHash('sha256').update(`${deployment}/${guest}`).digest('hex').slice(0, 10)}`;
}

/** The guests of the inventory, or of `names` only (each must be a guest). */
export function guestsOf(inv: Inventory, names?: string[]): GuestSpec[] {
  const all = inventoryGuests(inv);
  if (!names) {
    return all;
  }
  const byName = new Map(all.map((g) => [g.name, g]));
  const strangers = names.filter((n) => !byName.has(n));
  if (strangers.length > 0) {
    throw new UsageError(
      `not a guest of the vm service: ${strangers.join(', ')} (guests: ${all.map((g) => g.name).join(', ') || 'none'})`,
    );
  }
  return names.map((n) => byName.get(n)!);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The arguments of the start action (admin/vm/script.ts). */
export function startArgs(
  inv: Inventory,
  g: GuestSpec,
  base = g.base,
): Record<string, string | number> {
  if (!base) {
    throw new UsageError(`${g.name}: the vm service names no base image (services.vm.base)`);
  }
  if (!IPV4.test(g.address)) {
    throw new UsageError(
      `${g.name}: its address ${g.address} is not an IPv4 address; a guest needs one`,
    );
  }
  const image = readImage(inv, base);
  return {
    ...baseArgs(inv, g),
    base,
    disk: image.disk,
    kernel: image.kernel ?? '',
    initrd: image.initrd ?? '',
    append: image.append ?? 'console=ttyS0',
    bridge: g.bridge,
    vcpus: g.vcpus,
    memory: g.memoryMiB,
    accel: g.accel,
    ip: `${g.address}/${g.prefix}`,
    gw: g.gateway ?? '',
    mac: g.mac,
    disks: g.disks.map((d) => `${d.name}:${Math.round(d.sizeGiB * 1024)}`).join(' '),
  };
}

/** What every action needs: where the guest's files are, its tap. */
export function baseArgs(inv: Inventory, g: GuestSpec): Record<string, string> {
  return { dir: g.dir, name: g.name, tap: tapName(inv.deployment, g.name), driver: g.driver };
}
