// `salvo vm image list`: which physical hosts hold which images, and the images registered in
// vm/images/ with the guests that boot them.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployment } from '../../deployment/deployment.js';
import { VM_IMAGES_DIR, inventoryGuests } from '../../inventory/vm-guests.js';
import { readImageMeta } from '../guest.js';
import { physicalHosts, vmDir, why } from './hosts.js';
import { imageCommand } from './script.js';

export interface HostImages {
  host: string;
  images: { name: string; bytes: number; sha256?: string; version?: string }[];
  /** Guests this host started, and the image each last booted. */
  guests: { name: string; wanted: string; image: string; sha256?: string }[];
  error?: string;
}

export interface ImageList {
  hosts: HostImages[];
  /** The images of vm/images/ and the guests whose services-file `base` names them. */
  registered: { name: string; sha256?: string; guests: string[] }[];
}

/** What `list` prints: tab-separated `image NAME BYTES SUM TARGET` and `guest NAME WANTED IMAGE SUM`. */
export function parseImageList(host: string, stdout: string): HostImages {
  const out: HostImages = { host, images: [], guests: [] };
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'image' && f.length >= 5) {
      const version = f[4]!.startsWith('.store/') ? f[4]!.slice('.store/'.length) : undefined;
      out.images.push({
        name: f[1]!,
        bytes: Number(f[2]) || 0,
        ...(f[3] && f[3] !== '-' ? { sha256: f[3] } : {}),
        ...(version ? { version } : {}),
      });
    } else if (f[0] === 'guest' && f.length >= 4) {
      out.guests.push({
        name: f[1]!,
        wanted: f[2]!,
        image: f[3]!,
        ...(f[4] && f[4] !== '-' ? { sha256: f[4] } : {}),
      });
    }
  }
  return out;
}

/** Which hosts have which images (size, checksum), and which guests use them. */
export async function listImages(dep: Deployment, hosts?: string[]): Promise<ImageList> {
  const inv = dep.inventory;
  const targets = hosts ?? physicalHosts(inv);
  const dir = vmDir(inv);
  const r =
    targets.length > 0
      ? await dep.quietExec(targets, imageCommand('list', { dir }), { timeoutMs: 60_000 })
      : undefined;
  const perHost = targets.map((h) => {
    const one = r?.of(h);
    return one?.ok
      ? parseImageList(h, one.stdout)
      : { host: h, images: [], guests: [], error: why(one) };
  });
  const guests = inventoryGuests(inv);
  const names = [...new Set(guests.map((g) => g.base).filter(Boolean))];
  try {
    for (const f of await readdir(join(inv.dir, VM_IMAGES_DIR))) {
      if (f.endsWith('.json') && !names.includes(f.slice(0, -5))) {
        names.push(f.slice(0, -5));
      }
    }
  } catch {
    // no vm/images/: only the services file's names
  }
  const registered = names.map((n) => {
    let sha256: string | undefined;
    try {
      sha256 = readImageMeta(join(inv.dir, VM_IMAGES_DIR, `${n}.json`), n).sha256;
    } catch {
      sha256 = undefined;
    }
    return {
      name: n,
      ...(sha256 ? { sha256 } : {}),
      guests: guests.filter((g) => g.base === n).map((g) => g.name),
    };
  });
  return { hosts: perHost, registered };
}
