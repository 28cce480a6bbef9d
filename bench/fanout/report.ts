// The results table, the targets with PASS/MISS, and the JSON record.
import { stats, type Run, type Stats } from './measure.js';

export type Group = 'cold' | 'warm' | 'startup';

export interface Row {
  group: Group;
  tool: string;
  n: number;
  /** The tool is one of the peers salvo is compared with (pdsh, pssh, clush). */
  peer?: boolean;
  runs: Run[];
  stats: Stats;
  note?: string;
}

export function row(
  group: Group,
  tool: string,
  n: number,
  runs: Run[],
  extra: Partial<Row> = {},
): Row {
  return { group, tool, n, runs, stats: stats(runs), ...extra };
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface Target {
  n: number;
  what: string;
  value: number | null;
  limit: number;
  unit: '×' | 's';
  verdict: Verdict;
  /** For the warm targets: the same round with no SSH (bench/fanout/floor.ts), median seconds. */
  floor?: number | null;
  against?: string;
}

const SALVO_COLD = 'salvo exec';
const LOOP = 'ssh loop';
export const SALVO_WARM = 'salvo warm';
export const SALVO_WARM_UPTIME = 'salvo warm uptime';
export const FLOOR_TRUE = 'floor: local shells, true';
export const FLOOR_UPTIME = 'floor: local shells, uptime';

function medianOf(rows: readonly Row[], group: Group, tool: string, n: number): number | null {
  return rows.find((r) => r.group === group && r.tool === tool && r.n === n)?.stats.median ?? null;
}

/** The fastest peer (pdsh, pssh, clush) at size n by median, if any has one. */
export function bestPeer(
  rows: readonly Row[],
  n: number,
): { tool: string; median: number } | undefined {
  let best: { tool: string; median: number } | undefined;
  for (const r of rows) {
    if (r.group !== 'cold' || !r.peer || r.n !== n || r.stats.median === null) {
      continue;
    }
    if (!best || r.stats.median < best.median) {
      best = { tool: r.tool, median: r.stats.median };
    }
  }
  return best;
}

const ratio = (a: number | null, b: number | null | undefined): number | null =>
  a === null || !b ? null : a / b;
function verdict(v: number | null, limit: number): Verdict {
  if (v === null) {
    return 'n/a';
  }
  return v <= limit ? 'PASS' : 'MISS';
}

export const LIMITS = { warmTrue: 0.05, warmUptime: 0.3 } as const;

/**
 * The cold targets at a fleet size (issue 16): at 20 hosts level with the best peer (≤ 1.0×;
 * the loop keeps the foundation's ≤ 1.1×), from 50 hosts on ≤ 0.85× the best peer and ≤ 1.0× the
 * ssh loop. A handful of hosts leaves little for a client to win: the ssh processes are the run.
 */
export function coldLimits(n: number): { vsLoop: number; vsBestPeer: number } {
  return n <= 20 ? { vsLoop: 1.1, vsBestPeer: 1.0 } : { vsLoop: 1.0, vsBestPeer: 0.85 };
}

export function targets(rows: readonly Row[], sizes: readonly number[]): Target[] {
  const out: Target[] = [];
  for (const n of sizes) {
    const limits = coldLimits(n);
    const salvo = medianOf(rows, 'cold', SALVO_COLD, n);
    const vsLoop = ratio(salvo, medianOf(rows, 'cold', LOOP, n));
    out.push({
      n,
      what: `salvo exec (cold), ${n} hosts ≤ ${limits.vsLoop.toFixed(2)}× ssh loop`,
      value: vsLoop,
      limit: limits.vsLoop,
      unit: '×',
      verdict: verdict(vsLoop, limits.vsLoop),
    });
    const peer = bestPeer(rows, n);
    const vsPeer = ratio(salvo, peer?.median);
    out.push({
      n,
      what: `salvo exec (cold), ${n} hosts ≤ ${limits.vsBestPeer.toFixed(2)}× best of pdsh/pssh/clush/ansible`,
      value: vsPeer,
      limit: limits.vsBestPeer,
      unit: '×',
      verdict: verdict(vsPeer, limits.vsBestPeer),
      ...(peer ? { against: peer.tool } : {}),
    });
  }
  if (sizes.includes(200)) {
    for (const [tool, floor, command, limit] of [
      [SALVO_WARM, FLOOR_TRUE, 'true', LIMITS.warmTrue],
      [SALVO_WARM_UPTIME, FLOOR_UPTIME, 'uptime', LIMITS.warmUptime],
    ] as const) {
      const warm = medianOf(rows, 'warm', tool, 200);
      out.push({
        n: 200,
        what: `salvo warm \`${command}\` on 200 hosts ≤ ${limit} s`,
        value: warm,
        limit,
        unit: 's',
        verdict: verdict(warm, limit),
        floor: medianOf(rows, 'warm', floor, 200),
      });
    }
  }
  return out;
}

const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined ? '—' : v.toFixed(digits);

function medianOfList(xs: number[]): number | null {
  if (xs.length === 0) {
    return null;
  }
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median client and server CPU seconds over the runs that count. */
export function cpuMedians(r: Row): { client: number | null; server: number | null } {
  const ok = r.runs.filter((x) => x.ok);
  const round = (v: number | null): number | null =>
    v === null ? null : Math.round(v * 1000) / 1000;
  return {
    client: round(
      medianOfList(ok.flatMap((x) => (x.clientCpuS === undefined ? [] : [x.clientCpuS]))),
    ),
    server: round(
      medianOfList(ok.flatMap((x) => (x.serverCpuS === undefined ? [] : [x.serverCpuS]))),
    ),
  };
}

export function renderTable(rows: readonly Row[]): string {
  const head = [
    'tool',
    'N',
    'ok runs',
    'median s',
    'min s',
    '× loop',
    'salvo × best peer',
    'client CPU s',
    'server CPU s',
  ];
  const lines: string[][] = [];
  const sizes = [...new Set(rows.filter((r) => r.group !== 'startup').map((r) => r.n))].sort(
    (a, b) => a - b,
  );
  for (const n of sizes) {
    const loop = medianOf(rows, 'cold', LOOP, n);
    const peer = bestPeer(rows, n);
    for (const r of rows.filter((x) => x.n === n && x.group !== 'startup')) {
      const cpu = cpuMedians(r);
      const isSalvo = r.tool.startsWith('salvo');
      lines.push([
        r.tool + (r.note ? ` (${r.note})` : ''),
        String(n),
        `${r.stats.valid}/${r.stats.runs}`,
        fmt(r.stats.median),
        fmt(r.stats.min),
        fmt(ratio(r.stats.median, loop), 2),
        isSalvo
          ? `${fmt(ratio(r.stats.median, peer?.median), 2)}${peer ? ` (${peer.tool})` : ''}`
          : '',
        fmt(cpu.client, 2),
        fmt(cpu.server, 2),
      ]);
    }
    lines.push([]);
  }
  return table(head, lines);
}

export function renderStartup(rows: readonly Row[]): string {
  const head = ['start-up (no host contacted)', 'ok runs', 'median s', 'min s'];
  const lines = rows
    .filter((r) => r.group === 'startup')
    .map((r) => [
      r.tool,
      `${r.stats.valid}/${r.stats.runs}`,
      fmt(r.stats.median),
      fmt(r.stats.min),
    ]);
  return table(head, lines);
}

function targetValue(t: Target): string {
  if (t.value === null) {
    return 'no valid runs';
  }
  if (t.unit === 's') {
    return `${t.value.toFixed(3)} s`;
  }
  return `${t.value.toFixed(2)}×${t.against ? ` (vs ${t.against})` : ''}`;
}

export function renderTargets(ts: readonly Target[]): string {
  return ts
    .map((t) => {
      const value = targetValue(t);
      const floor =
        t.floor === undefined ? '' : `   (no-SSH floor on this machine: ${fmt(t.floor)} s)`;
      return `  ${t.verdict.padEnd(4)}  N=${String(t.n).padEnd(4)} ${t.what.padEnd(56)} ${value}${floor}`;
    })
    .join('\n');
}

function table(head: string[], lines: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    render(head),
    render(widths.map((w) => '-'.repeat(w))),
    ...lines.map((l) => (l.length ? render(l) : '')),
  ]
    .join('\n')
    .trimEnd();
}
