// `salvo status` for people: one row per (service, state, version, detail), its units folded
// into node sets (200 identical hubs print as one row); log tails of units in trouble below.
// For scripts: one JSON line per unit.
import { foldNodeSet } from '../../../inventory/nodeset.js';
import type { UnitStatus } from '../../../services/observe.js';
import { unitId } from '../../../services/types.js';
import type { LeftUnit } from '../../../rollout/journal/runs.js';
import { quote } from '../../../transport/command.js';
import { paint } from '../colour.js';
import { formatUptime } from '../duration.js';
import { foldInstances } from './fold-units.js';
import { renderTable } from '../table.js';

export type RowState = 'running' | 'stopped' | 'unhealthy' | 'unreachable';

const rowState = (s: UnitStatus): RowState => s.health?.state ?? 'unreachable';

interface Row {
  service: string;
  state: RowState;
  version: string;
  detail: string;
  units: UnitStatus[];
}

function groupRows(statuses: UnitStatus[]): Row[] {
  const rows = new Map<string, Row>();
  for (const s of statuses) {
    const r = {
      service: s.unit.service,
      state: rowState(s),
      version: s.health?.version ?? '-',
      detail: s.health?.detail ?? s.error ?? '',
    };
    const key = JSON.stringify([r.service, r.state, r.version, r.detail]);
    const row = rows.get(key);
    if (row) {
      row.units.push(s);
    } else {
      rows.set(key, { ...r, units: [s] });
    }
  }
  return [...rows.values()];
}

/** `cloud[1-2]`, or `#0-1 cloud[1-2]` / `#0 cloud[1-2], #1 cloud2` for multi-instance services. */
export function foldUnits(units: UnitStatus[], multiInstance: boolean): string {
  if (!multiInstance) {
    return foldNodeSet(units.map((u) => u.unit.host));
  }
  return foldInstances(
    '',
    units.map((u) => u.unit),
  );
}

function uptimeOf(units: UnitStatus[]): string {
  const ups = units.map((u) => u.health?.uptimeSec).filter((u): u is number => u !== undefined);
  if (ups.length === 0) {
    return '-';
  }
  const [lo, hi] = [Math.min(...ups), Math.max(...ups)];
  return formatUptime(lo) === formatUptime(hi)
    ? formatUptime(lo)
    : `${formatUptime(lo)}-${formatUptime(hi)}`;
}

export function renderStatus(statuses: UnitStatus[], maxTails = 5): string {
  if (statuses.length === 0) {
    return 'no units: the services file runs nothing there\n';
  }
  const multi = new Set(statuses.filter((s) => s.unit.instance > 0).map((s) => s.unit.service));
  const body = groupRows(statuses).map((r) => [
    r.service,
    r.state,
    `${foldUnits(r.units, multi.has(r.service))} (${r.units.length})`,
    r.units.length === 1 ? String(r.units[0]!.health?.pid ?? '-') : '-',
    uptimeOf(r.units),
    r.version,
    r.detail,
  ]);
  let out = renderTable([
    ['SERVICE', 'STATE', 'UNITS', 'PID', 'UPTIME', 'VERSION', 'DETAIL'],
    ...body,
  ]);
  const tails = statuses.filter((s) => s.health?.logTail);
  for (const s of tails.slice(0, maxTails)) {
    out += `\n${unitId(s.unit)} ${s.health!.state}: ${s.health!.detail ?? ''}\n`;
    out += s
      .health!.logTail!.split('\n')
      .map((l) => `  | ${l}\n`)
      .join('');
  }
  if (tails.length > maxTails) {
    out += `\n…and ${tails.length - maxTails} more log tails (salvo status --json shows them all)\n`;
  }
  return out;
}

/**
 * Units an interrupted run left mid-step, each with the resume that finishes it; `salvo` starts
 * the hint (`['salvo', '-s', FILE]` for another file).
 */
export function renderLeftBehind(left: LeftUnit[], salvo: string[] = ['salvo']): string {
  if (!left.length) {
    return '';
  }
  const lines = left.map(
    (l) =>
      `${l.unit}: left at step ${l.step + 1}/${l.steps} (${l.name}) by interrupted run ${l.runId}: it may be drained or stopped; ${[...salvo, 'resume', l.runId].map(quote).join(' ')}\n`,
  );
  return `\n${paint.warn('left by an interrupted run:')}\n${lines.join('')}`;
}

export function statusJsonLine(s: UnitStatus, left?: LeftUnit): string {
  const h = s.health;
  return `${JSON.stringify({
    unit: unitId(s.unit),
    service: s.unit.service,
    host: s.unit.host,
    instance: s.unit.instance,
    state: rowState(s),
    pid: h?.pid ?? null,
    uptimeSec: h?.uptimeSec ?? null,
    version: h?.version ?? null,
    detail: h?.detail ?? s.error ?? null,
    logTail: h?.logTail ?? null,
    leftBy: left ? { runId: left.runId, step: left.step, name: left.name } : null,
  })}\n`;
}

/** 0 all running, 1 something stopped or unhealthy, 3 some host could not be asked. */
export function statusExitCode(statuses: UnitStatus[]): number {
  const states = new Set(statuses.map(rowState));
  if (states.has('unreachable')) {
    return 3;
  }
  return states.has('stopped') || states.has('unhealthy') ? 1 : 0;
}
