// The hub progress check: a hub can answer haproxy's health check and still serve nothing (stuck
// event loop behind a lock, a dead database connection …). Each scan reads, per hub unit, how
// many sessions haproxy has sent it (`show stat` stot, on every haproxy host) and how many
// requests it says it answered (its `/stats`). A scan in which haproxy sent it traffic and its
// counter did not move is a stalled scan; `stalled_scans` in a row is warning / critical. The
// counts of the previous scan live in `HubMemory`, kept by the running monitor.
import type { Deployment } from '../deployment/deployment.js';
import type { Threshold } from '../inventory/types.js';
import { parseShowStat, serverRow, showStat } from '../probes/haproxy/index.js';
import { portOf } from '../services/argv.js';
import { serverName } from '../services/haproxy/config.js';
import { haproxyPaths } from '../services/layout.js';
import { unitsOf } from '../services/units.js';
import { cmd } from '../transport/command.js';
import { unitId } from '../services/types.js';
import { levelOf, type Finding } from './types.js';

export type HubMemory = Map<string, { sent: number; answered: number; stalled: number }>;

const STATS = `while [ "$#" -ge 2 ]; do echo "--- stats $1"; curl -s -m 2 "http://127.0.0.1:$2/stats"; echo; shift 2; done; exit 0`;

/** One sample → the finding, updating `memory`. Pure. */
export function hubProgressFinding(
  unit: { id: string; host: string },
  sample: { sent?: number; answered?: number },
  memory: HubMemory,
  limits: Threshold,
): Finding {
  const base = {
    key: `progress ${unit.id}`,
    check: 'progress' as const,
    host: unit.host,
    unit: unit.id,
    service: 'hub',
  };
  if (sample.sent === undefined || sample.answered === undefined) {
    memory.delete(unit.id);
    return {
      ...base,
      state: 'ok',
      message: `${unit.id}: no request counts (${sample.sent === undefined ? 'not in haproxy' : 'no /stats answer'})`,
    };
  }
  const prev = memory.get(unit.id);
  let stalled = prev?.stalled ?? 0;
  // A restarted hub counts from 0 again: a counter that went down is progress.
  if (prev && sample.answered !== prev.answered) {
    stalled = 0;
  } else if (prev && sample.sent > prev.sent) {
    stalled++;
  }
  memory.set(unit.id, { sent: sample.sent, answered: sample.answered, stalled });
  const state = levelOf(stalled, limits);
  return {
    ...base,
    state,
    value: stalled,
    message:
      stalled === 0
        ? `${unit.id}: serving (${sample.answered} requests answered)`
        : `${unit.id}: haproxy sent it ${sample.sent - (prev?.sent ?? sample.sent)} request(s) since the last scan and its counter stayed at ${sample.answered} (${stalled} scan(s) in a row): alive but stuck`,
  };
}

export async function hubProgress(
  dep: Deployment,
  limits: Threshold,
  memory: HubMemory,
  signal?: AbortSignal,
): Promise<Finding[]> {
  const inv = dep.inventory;
  const spec = inv.services.get('hub');
  const haproxy = inv.services.get('haproxy');
  if (!spec) {
    return [];
  }
  const units = unitsOf(inv, 'hub');
  const sent = new Map<string, number>();
  const statHosts = haproxy?.hosts ?? [];
  const stats = statHosts.length
    ? await dep.quietExec(statHosts, showStat(haproxyPaths(inv.deployment).socket), {
        timeoutMs: 15_000,
        ...(signal ? { signal } : {}),
      })
    : [];
  for (const r of stats) {
    if (!r.ok) {
      continue;
    }
    const rows = parseShowStat(r.stdout);
    for (const u of units) {
      const row = serverRow(rows, 'hub', serverName(u.host, u.instance));
      const stot = Number(row?.fields.stot);
      if (row && Number.isFinite(stot)) {
        sent.set(unitId(u), (sent.get(unitId(u)) ?? 0) + stot);
      }
    }
  }
  const answered = new Map<string, number>();
  const hosts = [...new Set(units.map((u) => u.host))];
  await Promise.all(
    hosts.map(async (host) => {
      const mine = units.filter((u) => u.host === host);
      const [r] = await dep.quietExec(
        [host],
        cmd(
          'sh',
          '-c',
          STATS,
          'salvo',
          ...mine.flatMap((u) => [unitId(u), portOf(spec, 'port', u.instance) ?? 0]),
        ),
        { timeoutMs: 15_000, ...(signal ? { signal } : {}) },
      );
      if (!r?.ok) {
        return;
      }
      for (const [name, section] of splitStats(r.stdout)) {
        try {
          const n = (JSON.parse(section) as { requests?: unknown }).requests;
          if (typeof n === 'number') {
            answered.set(name, n);
          }
        } catch {
          // no JSON: the hub did not answer /stats
        }
      }
    }),
  );
  return units.map((u) => {
    const id = unitId(u);
    const s = sent.get(id);
    const a = answered.get(id);
    return hubProgressFinding(
      { id, host: u.host },
      { ...(s !== undefined ? { sent: s } : {}), ...(a !== undefined ? { answered: a } : {}) },
      memory,
      limits,
    );
  });
}

function splitStats(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of stdout.split(/^--- stats /m).slice(1)) {
    const [label, ...rest] = block.split('\n');
    out.set(label!.trim(), rest.join('\n').trim());
  }
  return out;
}
