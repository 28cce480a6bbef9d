// Build a lab fleet (labUp) or grow a running one (labAddHosts).
import { readdir } from 'node:fs/promises';
import { LabError } from '../../errors.js';
import { claimId, releaseId } from './allocate.js';
import { buildHosts, planHosts } from './build-hosts.js';
import { makeKeyPair } from '../keys.js';
import { labDown } from './down.js';
import {
  bridgeName,
  MAX_HOSTS,
  normalizeDir,
  readState,
  subnetOf,
  toLab,
  writeState,
  type LabState,
} from './state.js';
import { createBridge } from './netns.js';
import { requireRoot } from '../require-root.js';
import type { Lab, LabListener, LabOptions } from '../types.js';
import { writeAdminKey } from '../write-files.js';

export { requireRoot };

const PREFIX = /^[a-z][a-z0-9-]{0,30}[a-z-]$|^[a-z]$/;

function validateCount(what: string, count: number, max: number): void {
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new LabError(`${what}: ${count} hosts; give a whole number from 1 to ${max}`);
  }
}

/** labUp refuses a dir holding anything: labDown removes the whole dir. */
async function assertFreshDir(dir: string): Promise<void> {
  if (await readState(dir)) {
    throw new LabError(
      `a lab is already in ${dir}: run labDown first, or grow it with labAddHosts`,
    );
  }
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0) {
    throw new LabError(
      `${dir} is not empty; the lab needs a new or empty directory (labDown removes it)`,
    );
  }
}

/** Build `opts.hosts` hosts; on failure, tear down whatever was made and rethrow. */
export async function labUp(
  opts: LabOptions,
  onEvent: LabListener = () => undefined,
): Promise<Lab> {
  requireRoot();
  const started = Date.now();
  const dir = normalizeDir(opts.dir);
  const prefix = opts.namePrefix ?? 'cloud';
  if (!PREFIX.test(prefix)) {
    throw new LabError(
      `namePrefix ${JSON.stringify(prefix)}: lower-case letters, digits and '-', not ending in a digit`,
    );
  }
  validateCount('labUp', opts.hosts, MAX_HOSTS);
  await assertFreshDir(dir);

  const id = await claimId(dir);
  const bridge = bridgeName(id);
  let state: LabState | undefined;
  try {
    const admin = makeKeyPair('salvo-lab-admin');
    const planned = planHosts(id, prefix, 1, opts.hosts);
    state = {
      version: 1,
      dir,
      id,
      bridge,
      subnet: subnetOf(id),
      namePrefix: prefix,
      adminKey: admin.publicKey,
      phase: 'building',
      hosts: planned.map((p) => p.host),
    };
    onEvent({ kind: 'allocated', id, bridge, subnet: state.subnet });
    await writeState(state); // before the first kernel object: labDown can always clean up
    await writeAdminKey(dir, admin);
    onEvent({ kind: 'step', message: `creating bridge ${bridge} (${state.subnet})` });
    await createBridge(bridge, id);
    await buildHosts(state, planned, onEvent);
  } catch (e) {
    onEvent({ kind: 'step', message: `bring-up failed, tearing down: ${(e as Error).message}` });
    await labDown(dir).catch(() => undefined);
    await releaseId(id, dir);
    throw e;
  }
  state.phase = 'up';
  await writeState(state);
  onEvent({ kind: 'ready', hosts: state.hosts.length, durationMs: Date.now() - started });
  return toLab(state);
}

/** Add `count` hosts (PREFIX{N+1}…) to the running lab in `dir`; every host learns the new ones. */
export async function labAddHosts(
  dir: string,
  count: number,
  onEvent: LabListener = () => undefined,
): Promise<Lab> {
  requireRoot();
  const started = Date.now();
  const abs = normalizeDir(dir);
  const state = await readState(abs);
  if (!state) {
    throw new LabError(`no lab in ${abs} (no lab.json)`);
  }
  if (state.phase !== 'up') {
    throw new LabError(
      `the lab in ${abs} is not fully up (phase ${state.phase}); run labDown and build it again`,
    );
  }
  validateCount('labAddHosts', count, MAX_HOSTS - state.hosts.length);
  const from = Math.max(0, ...state.hosts.map((h) => h.n)) + 1;
  if (from + count - 1 > MAX_HOSTS) {
    throw new LabError(`labAddHosts: host numbers would pass ${MAX_HOSTS}`);
  }

  const planned = planHosts(state.id, state.namePrefix, from, count);
  state.hosts.push(...planned.map((p) => p.host));
  state.phase = 'building';
  await writeState(state); // before their namespaces exist
  await buildHosts(state, planned, onEvent);
  state.phase = 'up';
  await writeState(state);
  onEvent({ kind: 'ready', hosts: state.hosts.length, durationMs: Date.now() - started });
  return toLab(state);
}
