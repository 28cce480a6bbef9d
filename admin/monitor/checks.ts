// Findings from evidence: a unit's health, a host's facts, against the monitor's thresholds. Pure.
import type { MonitorSettings } from '../inventory/types.js';
import type { Health } from '../probes/health.js';
import type { HostFacts } from './host-probe.js';
import { levelOf, type Finding } from './types.js';

export function livenessFinding(
  unit: { id: string; service: string; host: string },
  health: Health | undefined,
  error: string | undefined,
): Finding {
  const base = {
    key: `liveness ${unit.id}`,
    check: 'liveness' as const,
    host: unit.host,
    unit: unit.id,
    service: unit.service,
  };
  if (!health) {
    return {
      ...base,
      state: 'unreachable',
      message: `${unit.id}: not probed (${error ?? 'no answer'})`,
    };
  }
  if (health.state === 'running') {
    return { ...base, state: 'ok', message: `${unit.id}: running` };
  }
  const why = health.detail ? `: ${health.detail}` : '';
  return { ...base, state: 'critical', message: `${unit.id}: ${health.state}${why}` };
}

/** The snap unit's newest snapshot, `ageSec` old (null: none; 'missing': no directory). */
export function snapshotFinding(
  unit: { id: string; service: string; host: string },
  ageSec: number | null | 'missing',
  limits: NonNullable<MonitorSettings['progress']['snap']>,
): Finding {
  const base = {
    key: `progress ${unit.id}`,
    check: 'progress' as const,
    host: unit.host,
    unit: unit.id,
    service: unit.service,
  };
  if (ageSec === 'missing' || ageSec === null) {
    const what = ageSec === 'missing' ? 'no snapshot directory' : 'no snapshot yet';
    return { ...base, state: 'critical', message: `${unit.id}: ${what}` };
  }
  const age = Math.max(0, Math.round(ageSec));
  const state = levelOf(age, limits.maxAge);
  return {
    ...base,
    state,
    value: age,
    message:
      state === 'ok'
        ? `${unit.id}: newest snapshot ${age}s old`
        : `${unit.id}: no new snapshot for ${age}s (${state} at ${state === 'critical' ? limits.maxAge.critical : limits.maxAge.warning}s): alive but stuck`,
  };
}

type Resources = NonNullable<MonitorSettings['resources']>;

/** Load per core, disk and inodes per mount, memory, clock offset of one host. */
export function resourceFindings(
  host: string,
  facts: HostFacts,
  r: Resources,
  clockOffsetSec: number | undefined,
): Finding[] {
  const out: Finding[] = [];
  const add = (
    check: Finding['check'],
    subject: string,
    value: number,
    t: { warning: number; critical: number },
    describe: (v: string) => string,
  ): void => {
    const state = levelOf(value, t);
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
    const limit = state === 'critical' ? t.critical : t.warning;
    out.push({
      key: `${check} ${subject}`,
      check,
      host,
      state,
      value,
      message: `${subject}: ${describe(shown)}${state === 'ok' ? '' : ` (${state} at ${limit})`}`,
    });
  };
  if (facts.load1 !== undefined && facts.cores) {
    const perCore = Math.round((facts.load1 / facts.cores) * 100) / 100;
    add('load', host, perCore, r.load, (v) => `load ${v} per core (${facts.cores} cores)`);
  }
  const wanted = (mount: string): boolean => !r.mounts || r.mounts.includes(mount);
  for (const d of facts.disks.filter((m) => wanted(m.mount))) {
    add('disk', `${host}:${d.mount}`, d.percent, r.disk, (v) => `disk ${v}% used`);
  }
  for (const d of facts.inodes.filter((m) => wanted(m.mount))) {
    add('inodes', `${host}:${d.mount}`, d.percent, r.inodes, (v) => `inodes ${v}% used`);
  }
  if (facts.memoryPercent !== undefined) {
    add('memory', host, facts.memoryPercent, r.memory, (v) => `memory ${v}% used`);
  }
  if (clockOffsetSec !== undefined) {
    const off = Math.round(Math.abs(clockOffsetSec) * 100) / 100;
    add('clock', host, off, r.clock, (v) => `clock ${v}s off the admin host`);
  }
  return out;
}

/** A Cassandra node's pending compactions (`nodetool compactionstats`), or why it could not be read. */
export function compactionFinding(
  unit: { id: string; host: string },
  pending: number | { error: string },
  limits: NonNullable<MonitorSettings['progress']['cassandra']>['pendingCompactions'],
): Finding {
  // No `unit`: a compaction backlog is never healed by a restart (it would only add to it).
  const base = {
    key: `compactions ${unit.id}`,
    check: 'compactions' as const,
    host: unit.host,
    service: 'cassandra',
  };
  if (typeof pending !== 'number') {
    return {
      ...base,
      state: 'warning',
      message: `${unit.id}: pending compactions unknown (${pending.error})`,
    };
  }
  const state = levelOf(pending, limits);
  return {
    ...base,
    state,
    value: pending,
    message: `${unit.id}: ${pending} pending compaction${pending === 1 ? '' : 's'}${state === 'ok' ? '' : ` (${state} at ${state === 'critical' ? limits.critical : limits.warning}): compaction is falling behind`}`,
  };
}

/** One backup series' freshness: its newest snapshot's age against the rule's max_age. */
export function backupFinding(
  row: { series: string; ageMs?: number; maxAgeMs: number; state: string; error?: string },
  factors: NonNullable<MonitorSettings['backups']>,
): Finding {
  // SET/SOURCE@TARGET: the finding belongs to the source, whose data it is.
  const source = row.series.split('/')[1]?.split('@')[0] ?? row.series;
  const base = { key: `backup ${row.series}`, check: 'backup' as const, host: source };
  const h = (ms: number): string =>
    ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)}h` : `${Math.round(ms / 60_000)}m`;
  if (row.state === 'unknown') {
    return {
      ...base,
      state: 'unreachable',
      message: `${row.series}: cannot be read (${row.error ?? 'no answer'})`,
    };
  }
  if (row.state === 'never' || row.ageMs === undefined) {
    return { ...base, state: 'critical', message: `${row.series}: no snapshot yet` };
  }
  const ratio = Math.round((row.ageMs / row.maxAgeMs) * 100) / 100;
  // Stale is past max_age (backup status' word); the levels are multiples of it.
  let state: Finding['state'] = 'ok';
  if (ratio > factors.critical) {
    state = 'critical';
  } else if (ratio > factors.warning) {
    state = 'warning';
  }
  return {
    ...base,
    state,
    value: Math.round(row.ageMs / 1000),
    message: `${row.series}: newest snapshot ${h(row.ageMs)} old (max_age ${h(row.maxAgeMs)})${state === 'ok' ? '' : `: stale (${state} past ${state === 'critical' ? factors.critical : factors.warning}× max_age)`}`,
  };
}
