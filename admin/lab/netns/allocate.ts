// Pick a lab id L (bridge salvoL, subnet 198.18.L.0/24): the smallest in 1..250 that no bridge,
// namespace, veth, /etc/netns entry, route or state directory uses. A claim file created with
// O_EXCL in /run/salvo-lab makes the choice atomic between labs built at the same time.
import { mkdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { readState } from './state.js';
import { listDir, listLinks, listNetns } from './netns.js';
import { isRunning } from '../processes.js';
import { run } from '../run.js';

const MAX_ID = 250;
const REGISTRY = '/run/salvo-lab';

/** The smallest id in 1..MAX_ID that is not taken. */
export function pickId(taken: ReadonlySet<number>): number | undefined {
  for (let id = 1; id <= MAX_ID; id++) {
    if (!taken.has(id)) {
      return id;
    }
  }
  return undefined;
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** Does route destination `dst` ('198.18.0.0/16', '198.18.3.7', 'default') overlap 198.18.id.0/24? */
export function routeOverlaps(dst: string, id: number): boolean {
  if (dst === 'default') {
    return false;
  }
  const [addr = '', lenText = '32'] = dst.split('/');
  const base = ipToInt(addr);
  const len = Number(lenText);
  if (base === undefined || !Number.isInteger(len) || len <= 0 || len > 32) {
    return false;
  }
  const block = 2 ** (32 - Math.min(len, 24)); // compare the networks at the shorter prefix
  return Math.floor(base / block) === Math.floor((ipToInt(`198.18.${id}.0`) ?? 0) / block);
}

/** Ids named by a kernel object (salvoL, salvoL-*, sL-v*) or covered by an existing route. */
async function idsInUse(): Promise<Set<number>> {
  const taken = new Set<number>();
  const note = (name: string, re: RegExp): void => {
    const m = re.exec(name);
    if (m) {
      taken.add(Number(m[1]));
    }
  };
  for (const l of await listLinks()) {
    note(l, /^salvo(\d+)$/);
    note(l, /^s(\d+)-v\d+$/);
  }
  for (const ns of await listNetns()) {
    note(ns, /^salvo(\d+)-/);
  }
  for (const e of await listDir('/etc/netns')) {
    note(e, /^salvo(\d+)-/);
  }
  const routes = await run(['ip', '-j', '-4', 'route', 'show', 'table', 'all']);
  if (routes.code === 0) {
    const list = JSON.parse(routes.stdout || '[]') as { dst?: string }[];
    for (let id = 1; id <= MAX_ID; id++) {
      if (list.some((r) => r.dst !== undefined && routeOverlaps(r.dst, id))) {
        taken.add(id);
      }
    }
  }
  return taken;
}

interface Claim {
  dir: string;
  pid: number;
}

/** A claim holds while the process that made it runs, or while its dir's lab.json names the id. */
async function claimHolds(file: string, id: number): Promise<boolean> {
  let claim: Claim;
  try {
    claim = JSON.parse(await readFile(file, 'utf8')) as Claim;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT'; // unreadable: respect it
  }
  if (await isRunning(claim.pid)) {
    return true;
  }
  const state = await readState(claim.dir).catch(() => ({ id }));
  return state?.id === id;
}

async function tryClaim(id: number, dir: string, registry: string): Promise<boolean> {
  const file = join(registry, `${id}.json`);
  for (let attempt = 0; attempt < 2; attempt++) {
    await mkdir(registry, { recursive: true });
    try {
      await writeFile(file, `${JSON.stringify({ dir, pid: process.pid } satisfies Claim)}\n`, {
        flag: 'wx',
      });
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        continue; // the registry dir was removed meanwhile
      }
      if (code !== 'EEXIST' || (await claimHolds(file, id))) {
        return false;
      }
      await unlink(file).catch(() => undefined); // stale: its maker is gone and no lab.json names it
    }
  }
  return false;
}

/** Claim the smallest free id for `dir`. */
export async function claimId(dir: string, registry = REGISTRY): Promise<number> {
  const taken = await idsInUse();
  for (let id = pickId(taken); id !== undefined; id = pickId(taken)) {
    if (await tryClaim(id, dir, registry)) {
      return id;
    }
    taken.add(id);
  }
  throw new LabError(
    `no free lab id: all of 1..${MAX_ID} are used by bridges, namespaces, routes or other labs`,
  );
}

/** Give the id back (only if `dir` holds the claim); drop the registry dir once empty. */
export async function releaseId(id: number, dir: string, registry = REGISTRY): Promise<void> {
  const file = join(registry, `${id}.json`);
  try {
    const claim = JSON.parse(await readFile(file, 'utf8')) as Claim;
    if (claim.dir === dir) {
      await unlink(file);
    }
  } catch {
    /* no claim, or not ours */
  }
  await rmdir(registry).catch(() => undefined);
}
