// One scan of the whole fleet, in parallel: every unit's health probe (batched, one round trip
// per host), one host probe per host (resources and snapshot ages), and the tinc ping matrix
// when asked. Returns findings; changes nothing.
import pLimit from 'p-limit';
import type { Deployment } from '../deployment/deployment.js';
import type { MonitorSettings } from '../inventory/types.js';
import { deploymentDir } from '../services/layout.js';
import { unitsOf } from '../services/units.js';
import { unitId, type Unit } from '../services/types.js';
import type { CommandResult } from '../transport/types.js';
import { parseCompactionStats } from '../cassandra/nodetool/parse.js';
import { ringOf } from '../services/cassandra/kind.js';
import { cmd } from '../transport/command.js';
import {
  backupFinding,
  compactionFinding,
  livenessFinding,
  resourceFindings,
  snapshotFinding,
} from './checks.js';
import { hostProbeCommand, parseHostProbe } from './host-probe.js';
import { hubProgress, type HubMemory } from './hub-progress.js';
import { STATES, worstOf, type Finding, type ScanResult } from './types.js';

const PROBE_TIMEOUT_MS = 30_000;

export interface ScanOptions {
  signal?: AbortSignal | undefined;
  /** The previous scan's hub counters (a running monitor keeps them; a one-shot scan has none). */
  hubs?: HubMemory;
}

export async function scanFleet(
  dep: Deployment,
  m: MonitorSettings,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const started = Date.now();
  const [live, hosts, mesh, hubs, compactions, backups] = await Promise.all([
    liveness(dep, m, options),
    hostChecks(dep, m, options),
    m.mesh && dep.inventory.tinc ? meshFindings(dep, options) : Promise.resolve([]),
    m.progress.hub
      ? hubProgress(dep, m.progress.hub.stalledScans, options.hubs ?? new Map(), options.signal)
      : Promise.resolve([]),
    m.progress.cassandra ? compactionFindings(dep, m, options) : Promise.resolve([]),
    m.backups ? backupFindings(dep, m, options) : Promise.resolve([]),
  ]);
  const findings = [...live, ...hosts, ...mesh, ...hubs, ...compactions, ...backups];
  const worst = worstOf(findings.map((f) => f.state));
  return {
    at: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    findings,
    worst,
    exitCode: STATES.indexOf(worst),
  };
}

async function liveness(dep: Deployment, m: MonitorSettings, o: ScanOptions): Promise<Finding[]> {
  const { selectUnits } = await import('../services/index.js');
  const { probeUnits } = await import('../services/observe.js');
  const units = m.liveness.flatMap((s) => selectUnits(dep.inventory, s));
  const runner = {
    exec: (h: string[], c: Parameters<Deployment['quietExec']>[1], x = {}) =>
      dep.quietExec(h, c, x),
  };
  const statuses = await probeUnits(
    runner,
    dep.inventory,
    units,
    o.signal ? { signal: o.signal } : {},
  );
  return statuses.map((s) =>
    livenessFinding(
      { id: unitId(s.unit), service: s.unit.service, host: s.unit.host },
      s.health,
      s.error,
    ),
  );
}

function snapUnits(dep: Deployment, m: MonitorSettings): Unit[] {
  const spec = dep.inventory.services.get('snap');
  if (!m.progress.snap || !spec) {
    return [];
  }
  return unitsOf(dep.inventory, 'snap');
}

function snapshotDir(dep: Deployment, template: string, u: Unit): string {
  const values: Record<string, string> = {
    dir: deploymentDir(dep.name),
    deployment: dep.name,
    host: u.host,
    instance: String(u.instance),
    id: unitId(u),
  };
  return template.replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all);
}

async function hostChecks(dep: Deployment, m: MonitorSettings, o: ScanOptions): Promise<Finding[]> {
  const snaps = snapUnits(dep, m);
  const hosts = [...new Set([...(m.resources?.hosts ?? []), ...snaps.map((u) => u.host)])];
  // One exec per host (its own end time makes the clock offset exact), ssh.concurrency at once.
  const limit = pLimit(Math.max(1, dep.inventory.ssh.concurrency));
  const results = await Promise.all(
    hosts.map(async (host) =>
      limit(async () => {
        const mine = snaps.filter((u) => u.host === host);
        const command = hostProbeCommand(
          mine.map((u) => ({
            label: unitId(u),
            dir: snapshotDir(dep, m.progress.snap!.snapshots, u),
          })),
        );
        const [r] = await dep.quietExec([host], command, {
          timeoutMs: PROBE_TIMEOUT_MS,
          signal: o.signal,
        });
        return { host, r: r!, at: Date.now(), mine };
      }),
    ),
  );
  return results.flatMap(({ host, r, at, mine }) => hostFindings(host, r, at, mine, m));
}

function hostFindings(
  host: string,
  r: CommandResult,
  endedAt: number,
  snaps: Unit[],
  m: MonitorSettings,
): Finding[] {
  if (!r.ok) {
    const why = r.failure?.message ?? `exit ${r.exitCode}: ${r.stderr.trim()}`;
    return [
      {
        key: `reach ${host}`,
        check: 'reach',
        host,
        state: 'unreachable',
        message: `${host}: ${why}`,
      },
    ];
  }
  const facts = parseHostProbe(r.stdout);
  const out: Finding[] = [
    { key: `reach ${host}`, check: 'reach', host, state: 'ok', message: `${host}: answers` },
  ];
  // The host's clock against ours at the middle of the round trip.
  const offset =
    facts.clock === undefined ? undefined : facts.clock - (endedAt - r.durationMs / 2) / 1000;
  if (m.resources?.hosts.includes(host)) {
    out.push(...resourceFindings(host, facts, m.resources, offset));
  }
  const hostNow = facts.clock ?? endedAt / 1000;
  for (const u of snaps) {
    const newest = facts.snapshots.get(unitId(u));
    const age =
      newest === 'missing' || newest === null || newest === undefined
        ? (newest ?? null)
        : hostNow - newest;
    out.push(snapshotFinding({ id: unitId(u), service: 'snap', host }, age, m.progress.snap!));
  }
  return out;
}

/** `nodetool compactionstats` on every Cassandra node (its own nodetool argv), in parallel. */
async function compactionFindings(
  dep: Deployment,
  m: MonitorSettings,
  o: ScanOptions,
): Promise<Finding[]> {
  const limits = m.progress.cassandra!.pendingCompactions;
  return Promise.all(
    unitsOf(dep.inventory, 'cassandra').map(async (u) => {
      const { nodetool } = ringOf(dep.inventory, u);
      const [r] = await dep.quietExec(
        [u.host],
        cmd('timeout', '60', ...nodetool, 'compactionstats'),
        {
          timeoutMs: PROBE_TIMEOUT_MS * 2 + 5_000,
          signal: o.signal,
        },
      );
      const stats = r!.ok ? parseCompactionStats(r!.stdout) : undefined;
      const why =
        r!.failure && r!.failure.kind !== 'nonzero'
          ? r!.failure.message
          : (r!.stderr.trim() || r!.stdout.trim()).split('\n').slice(-1)[0] ||
            `exit ${r!.exitCode}`;
      return compactionFinding(
        { id: unitId(u), host: u.host },
        stats ? stats.pending : { error: `nodetool compactionstats: ${why}` },
        limits,
      );
    }),
  );
}

/** Each backup series' freshness, as `salvo backup status` reads it (one listing per target). */
async function backupFindings(
  dep: Deployment,
  m: MonitorSettings,
  o: ScanOptions,
): Promise<Finding[]> {
  const status = await dep.backup.status(o.signal ? { signal: o.signal } : {});
  return status.rows.map((row) => backupFinding(row, m.backups!));
}

async function meshFindings(dep: Deployment, o: ScanOptions): Promise<Finding[]> {
  const matrix = await dep.tinc.verify(o.signal ? { signal: o.signal } : {});
  const bad = new Map<string, string[]>();
  for (const p of matrix.failed) {
    bad.set(p.from, [...(bad.get(p.from) ?? []), p.to]);
  }
  return matrix.hosts.map((host): Finding => {
    const key = `mesh ${host}`;
    if (matrix.down.includes(host)) {
      return {
        key,
        check: 'mesh',
        host,
        state: 'critical',
        message: `${host}: unreachable over the VPN from every member`,
      };
    }
    const to = bad.get(host);
    if (to?.length) {
      return {
        key,
        check: 'mesh',
        host,
        state: 'critical',
        message: `${host}: cannot ping ${to.join(', ')} over the VPN`,
      };
    }
    return {
      key,
      check: 'mesh',
      host,
      state: 'ok',
      message: `${host}: reaches every member over the VPN`,
    };
  });
}
