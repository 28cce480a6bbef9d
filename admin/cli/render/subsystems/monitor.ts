// The monitor as text: a scan's problems folded by host set, the run's events as lines, the
// history, the maintenance switch.
import { foldNodeSet } from '../../../inventory/nodeset.js';
import type {
  Finding,
  HistoryRecord,
  MaintenanceState,
  MonitorEvent,
  ScanResult,
} from '../../../monitor/index.js';
import { paint } from '../colour.js';

function colour(state: string): (s: string) => string {
  if (state === 'ok') {
    return paint.ok;
  }
  return state === 'warning' ? paint.warn : paint.bad;
}

/** Findings that say the same of several hosts become one line naming the hosts folded. */
export function foldFindings(
  findings: Finding[],
): { state: string; check: string; text: string }[] {
  const groups = new Map<
    string,
    { state: string; check: string; template: string; hosts: string[] }
  >();
  for (const f of findings) {
    const template = f.message.split(f.host).join('\u0000');
    const key = `${f.state}\n${f.check}\n${template}`;
    const g = groups.get(key) ?? { state: f.state, check: f.check, template, hosts: [] };
    g.hosts.push(f.host);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({
    state: g.state,
    check: g.check,
    text: g.template.split('\u0000').join(foldNodeSet(g.hosts)),
  }));
}

export function renderScan(scan: ScanResult, all: boolean): string {
  const shown = scan.findings.filter((f) => all || f.state !== 'ok');
  const rows = foldFindings(shown);
  const lines = rows.map(
    (r) => `${colour(r.state)(r.state.padEnd(11))} ${r.check.padEnd(9)} ${r.text}`,
  );
  const counts = ['warning', 'critical', 'unreachable']
    .map((s) => [s, scan.findings.filter((f) => f.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const summary = `${colour(scan.worst)(scan.worst.toUpperCase())}: ${scan.findings.length} checks${counts.length ? `, ${counts.join(', ')}` : ''} (${(scan.durationMs / 1000).toFixed(1)}s)`;
  return `${[...lines, summary].join('\n')}\n`;
}

const time = (at: number | string): string => new Date(at).toISOString().slice(11, 19);

export function renderMonitorEvent(e: MonitorEvent, at: number): string {
  switch (e.kind) {
    case 'scan': {
      const head = `${time(at)} scan: ${colour(e.scan.worst)(e.scan.worst)} (${e.scan.findings.length} checks, ${(e.scan.durationMs / 1000).toFixed(1)}s)`;
      const changes = e.changes.map(
        (c) =>
          `${time(at)}   ${c.key}: ${c.from ?? 'new'} → ${colour(c.to)(c.to)}  ${c.finding.message}`,
      );
      return `${[head, ...changes].join('\n')}\n`;
    }
    case 'active':
      return `${time(at)} active monitor (lease ${e.where})\n`;
    case 'standby':
      return `${time(at)} standing by: ${e.holder} is the active monitor (${e.where})\n`;
    case 'heal-start':
      return `${time(at)} heal ${e.unit}: restarting\n`;
    case 'heal': {
      const h = e.heal;
      return `${time(at)} heal ${h.unit}: ${colour(h.outcome === 'restarted' ? 'ok' : 'critical')(h.outcome)}${h.reason ? ` (${h.reason})` : ''}${h.runId ? ` run ${h.runId}` : ''}\n`;
    }
    case 'alert': {
      const where = e.sent.length ? `sent by ${e.sent.join(', ')}` : 'no alert channel configured';
      const errors = e.errors.map((x) => `\n${time(at)}   alert failed: ${x}`).join('');
      return `${time(at)} alert ${e.alert.key}: ${e.alert.from} → ${e.alert.to} (${where})${errors}\n`;
    }
  }
}

export function renderHistory(records: HistoryRecord[]): string {
  if (!records.length) {
    return 'no state changes recorded\n';
  }
  return records
    .map((r) => {
      const at = r.at.replace('T', ' ').slice(0, 19);
      if (r.type === 'change') {
        return `${at}  ${r.key.padEnd(28)} ${r.from ?? 'new'} → ${colour(r.to)(r.to)}  ${r.message}\n`;
      }
      if (r.type === 'heal') {
        return `${at}  heal ${r.unit.padEnd(23)} ${r.outcome}${r.reason ? ` (${r.reason})` : ''}\n`;
      }
      return '';
    })
    .join('');
}

export function renderMaintenance(s: MaintenanceState): string {
  if (!s.on) {
    return `maintenance: off (${s.where})\n`;
  }
  const by = s.by ? ` by ${s.by}` : '';
  const since = s.since ? ` since ${s.since}` : '';
  const why = s.reason ? `: ${s.reason}` : '';
  return `maintenance: ON${by}${since}${why} (${s.where}); the monitor does not heal\n`;
}
