// init, add and remove: each converges the mesh to what the services file says, then proves it
// with the ping matrix. The services file decides membership (a host with a vpn address is a
// member); add and remove check that it already says so, then act on every node.
import type { Deployment } from '../../deployment/deployment.js';
import { UsageError } from '../../errors.js';
import {
  runEach,
  targetMembers,
  tincContext,
  type TincContext,
  type TincOptions,
} from '../context.js';
import { converge, type Converged } from './converge.js';
import type { HostFailure } from '../events.js';
import type { MeshMatrix } from '../matrix.js';
import { tincName } from '../config/index.js';
import type { NodePlan } from '../plan/plan.js';
import type { RecordChange } from '../record.js';
import { controlCommand } from '../remote/index.js';
import { verifyAndRepair } from './repair.js';

export interface ChangeOptions extends TincOptions {
  hosts?: string; // init -H: the members to change (default: all)
  keyBits?: number; // for new key pairs (default 4096)
  dryRun?: boolean; // plan only
  verify?: boolean; // run the ping matrix afterwards (default true)
  waitMs?: number; // how long the matrix may take to become whole (default 20 s)
}

export interface TincResult {
  netname: string;
  dryRun: boolean;
  nodes: NodePlan[];
  keygen: string[];
  recorded: RecordChange[];
  failures: HostFailure[];
  matrix?: MeshMatrix;
  repaired: string[]; // restarted after the change to renew stale packet keys
  notes: string[];
}

export const DEFAULT_KEY_BITS = 4096;
export const DEFAULT_WAIT_MS = 20_000;

export async function tincInit(dep: Deployment, opts: ChangeOptions = {}): Promise<TincResult> {
  const ctx = tincContext(dep, opts);
  return finish(ctx, opts, await converge(ctx, convergeOptions(ctx, opts)), []);
}

/** The host must already be a member in the services file (it has a vpn address). */
export async function tincAdd(
  dep: Deployment,
  host: string,
  opts: ChangeOptions = {},
): Promise<TincResult> {
  const ctx = tincContext(dep, opts);
  if (!ctx.spec.members.some((m) => m.host === host)) {
    throw new UsageError(
      `${host} has no vpn address in ${dep.inventory.file}: give it one there, then run salvo tinc add ${host}`,
    );
  }
  const done = await converge(ctx, convergeOptions(ctx, { ...opts, hosts: undefined }));
  const notes = done.nodes.every((n) => n.changes.length === 0 && n.action === 'none')
    ? [`${host} was already in the mesh`]
    : [];
  return finish(ctx, opts, done, notes);
}

/**
 * Revoke `host`: its host file is deleted on every member (tincd then refuses its key), it leaves
 * every ConnectTo, members reload, its record goes. If the services file still lists the host
 * (without a vpn address), its tincd is stopped and its tinc directory, key included, deleted.
 */
export async function tincRemove(
  dep: Deployment,
  host: string,
  opts: ChangeOptions = {},
): Promise<TincResult> {
  const ctx = tincContext(dep, opts);
  if (ctx.spec.members.some((m) => m.host === host)) {
    throw new UsageError(
      `${host} still has a vpn address in ${dep.inventory.file}: remove it there first ` +
        '(the services file says who is in the mesh), then run salvo tinc remove again',
    );
  }
  const name = tincName(host);
  const done = await converge(ctx, convergeOptions(ctx, { ...opts, hosts: undefined }));
  const revoked = done.nodes.filter((n) =>
    n.changes.some((c) => c.kind === 'delete' && c.path === `hosts/${name}`),
  );
  const notes = [
    `${name}'s host file ${opts.dryRun ? 'would be' : 'was'} deleted on ${revoked.length} member(s)`,
  ];
  if (!dep.inventory.hosts.has(host)) {
    notes.push(
      `${host} is not in the services file, so its tincd was not stopped; no member accepts its key any more`,
    );
  } else if (opts.dryRun) {
    notes.push(
      `${host}: tincd would be stopped and ${ctx.paths.confDir} (with its private key) deleted`,
    );
  } else {
    await purge(ctx, host);
  }
  return finish(ctx, opts, done, notes);
}

async function purge(ctx: TincContext, host: string): Promise<void> {
  const target = { netname: ctx.spec.netname, iface: ctx.spec.iface, vpn: '0.0.0.0' }; // the address is not used to stop
  await runEach(
    ctx,
    'purge',
    [host],
    () => ({ command: controlCommand(ctx.paths, target, 'purge') }),
    30_000,
  );
}

function convergeOptions(
  ctx: TincContext,
  opts: ChangeOptions,
): { targets: ReturnType<typeof targetMembers>; keyBits: number; dryRun: boolean } {
  const keyBits = opts.keyBits ?? DEFAULT_KEY_BITS;
  if (!Number.isInteger(keyBits) || keyBits < 2048 || keyBits > 16384) {
    throw new UsageError(`key bits: expected a whole number from 2048 to 16384, got ${keyBits}`);
  }
  return { targets: targetMembers(ctx, opts.hosts), keyBits, dryRun: opts.dryRun ?? false };
}

async function finish(
  ctx: TincContext,
  opts: ChangeOptions,
  done: Converged,
  notes: string[],
): Promise<TincResult> {
  const result: TincResult = {
    netname: ctx.spec.netname,
    dryRun: opts.dryRun ?? false,
    nodes: done.nodes,
    keygen: done.keygen,
    recorded: done.recorded,
    failures: ctx.failures,
    repaired: [],
    notes,
  };
  if (!result.dryRun && opts.verify !== false) {
    const v = await verifyAndRepair(ctx, { waitMs: opts.waitMs ?? DEFAULT_WAIT_MS });
    result.matrix = v.matrix;
    result.repaired = v.repaired;
  }
  return result;
}
