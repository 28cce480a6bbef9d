// Read the state of units from their hosts: each unit's health probe, batched so that one host
// costs one SSH round trip however many units it runs; and the scan of recorded units for drift.
import pLimit from 'p-limit';
import type { Inventory } from '../inventory/types.js';
import { batchCommand, newNonce, splitBatch } from '../probes/batch.js';
import { parseScan, type ScannedUnit } from '../probes/scan.js';
import type { Command } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';
import { bucketOf } from '../fleet/outcome.js';
import { script } from './daemon/index.js';
import { SCAN } from './daemon/index.js';
import { deploymentDir } from './layout.js';
import type { Health, ServiceKind, Unit } from './types.js';

/** What runs commands on hosts: a Deployment, or anything with its `exec`. */
export interface Runner {
  exec(
    hosts: string[],
    command: Command,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<CommandResult[]>;
}

export interface UnitStatus {
  unit: Unit;
  health?: Health; // absent when the probe could not run (host unreachable, timeout)
  error?: string;
}

const PROBE_TIMEOUT_MS = 30_000;

/** Why a result carries no usable output, or undefined when it does. */
function unusable(r: CommandResult | undefined): string | undefined {
  if (!r) {
    return 'no result';
  }
  if (bucketOf(r) === 'unreachable' || bucketOf(r) === 'aborted') {
    return r.failure?.message ?? 'unreachable';
  }
  if (r.failure?.kind === 'timeout') {
    return `probe timed out: ${r.failure.message}`;
  }
  return undefined;
}

async function probeHost(
  runner: Runner,
  host: string,
  items: { kind: ServiceKind; unit: Unit; command: Command }[],
  signal?: AbortSignal,
): Promise<UnitStatus[]> {
  const nonce = newNonce();
  const [r] = await runner.exec(
    [host],
    batchCommand(
      items.map((i) => i.command),
      nonce,
    ),
    { timeoutMs: PROBE_TIMEOUT_MS, signal },
  );
  const bad = unusable(r);
  if (bad) {
    return items.map(({ unit }) => ({ unit, error: bad }));
  }
  const parts = splitBatch(r!.stdout, items.length, nonce);
  return items.map(({ kind, unit }, i) => ({
    unit,
    health: kind.parseHealth(parts[i]!.stdout, parts[i]!.exitCode),
  }));
}

/** Health of every unit, in the order given. */
export async function probeUnits(
  runner: Runner,
  inv: Inventory,
  units: { kind: ServiceKind; unit: Unit }[],
  options: { signal?: AbortSignal } = {},
): Promise<UnitStatus[]> {
  const byHost = new Map<
    string,
    { kind: ServiceKind; unit: Unit; command: Command; index: number }[]
  >();
  units.forEach(({ kind, unit }, index) => {
    const probe = kind.healthProbe(unit, inv);
    byHost.set(probe.host, [
      ...(byHost.get(probe.host) ?? []),
      { kind, unit, command: probe.command, index },
    ]);
  });
  const out: UnitStatus[] = new Array(units.length);
  const limit = pLimit(Math.max(1, inv.ssh.concurrency));
  await Promise.all(
    [...byHost].map(([host, items]) =>
      limit(async () => {
        const statuses = await probeHost(runner, host, items, options.signal);
        statuses.forEach((s, i) => {
          out[items[i]!.index] = s;
        });
      }),
    ),
  );
  return out;
}

export interface HostScan {
  host: string;
  units?: ScannedUnit[];
  error?: string;
}

/** The units recorded under the deployment's pids dir of each host (whatever the file says). */
export async function scanHosts(
  runner: Runner,
  inv: Inventory,
  hosts: string[],
  options: { signal?: AbortSignal } = {},
): Promise<HostScan[]> {
  const results = await runner.exec(hosts, script(SCAN, deploymentDir(inv.deployment)), {
    timeoutMs: PROBE_TIMEOUT_MS,
    ...options,
  });
  return results.map((r) => {
    const bad =
      unusable(r) ?? (r.ok ? undefined : `scan failed: ${r.failure?.message ?? r.stderr.trim()}`);
    return bad ? { host: r.host, error: bad } : { host: r.host, units: parseScan(r.stdout) };
  });
}
