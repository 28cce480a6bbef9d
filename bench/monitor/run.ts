// The monitor at scale (issue 15, item 9), in an alias lab (admin/lab/aliases: one sshd, one
// address per host). Needs root (a network namespace). Two modes:
//  - scan (default): one cold `salvo monitor scan` of N hosts (host resources on every host)
//    against a cold bare `salvo exec` of the same probe script on the same hosts, alternated,
//    `--runs` times; targets: every host answers every scan, and the median scan ≤ 1.5× the
//    median exec (over the pairs where both heard from every host).
//  - soak (`--soak 60m`): `salvo monitor run --interval 10s` on N hosts (default 20) for that
//    long; the RSS (/proc) and the live V8 heap (after a full GC, bench/monitor/heap-sampler.ts)
//    of the monitor process sampled at every scan; targets: no growth of the RSS, of the live
//    heap without V8's code space (data: a leak shows here) and of the whole live heap, by the
//    rule of bench/monitor/growth.ts (noise floors: 1 MiB RSS, 0.25 MiB heap); with --census,
//    heap snapshots summed by kind (program data vs V8's compiler metadata): soak.ts, census.ts.
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aliasLabDown,
  aliasLabUp,
  inAliasLab,
  type AliasLab,
} from '../../admin/lab/aliases/index.js';
import { parseDuration } from '../../admin/deployment/duration.js';
import { HOST_PROBE } from '../../admin/monitor/host-probe.js';
import { runBench, writeRecord } from '../suite/record.js';
import { target, type Target } from '../suite/targets.js';
import { load, median, monitorFile, type Options, SALVO } from './common.js';
import { soakMode } from './soak.js';

const HELP = `node dist/bench/monitor/run.js [options]   (root)

  --hosts N          lab hosts (default 200; 20 with --soak)
  --runs N           scan mode: timed scan/exec pairs (default 3)
  --soak DURATION    soak mode instead: run the monitor this long (e.g. 60m)
  --interval DUR     soak mode: the monitor's --interval (default 10s)
  --census           soak mode: heap snapshots of the monitor at the end of the first window,
                     half-way and at the end, summed by kind (bench/monitor/census.ts); the
                     snapshots themselves cost memory, so the RSS rule of such a run is moot
  --node-flags FLAGS soak mode: extra flags for the monitor's node (e.g. "--no-opt"), recorded
  --no-record        print the results, write no file in bench/results/
`;

export function parseOptions(argv: string[]): Options | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) {
    return 'help';
  }
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const count = (name: string, fallback: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${name}: expected a positive whole number`);
    }
    return n;
  };
  const soak = value('--soak');
  const soakMs = soak === undefined ? undefined : parseDuration(soak, '--soak');
  return {
    hosts: count('--hosts', soakMs === undefined ? 200 : 20),
    runs: count('--runs', 3),
    ...(soakMs !== undefined ? { soakMs } : {}),
    intervalMs: parseDuration(value('--interval') ?? '10s', '--interval'),
    census: argv.includes('--census'),
    nodeFlags: (value('--node-flags') ?? '').split(' ').filter((f) => f !== ''),
    record: !argv.includes('--no-record'),
  };
}

function wall(
  lab: AliasLab,
  argv: string[],
): { s: number; code: number | null; out: string; err: string } {
  const [cmd, ...args] = inAliasLab(lab, argv);
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd!, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 600_000,
    cwd: lab.dir,
  });
  return {
    s: Number(process.hrtime.bigint() - t) / 1e9,
    code: r.status,
    out: r.stdout,
    err: r.stderr,
  };
}

async function scanMode(lab: AliasLab, o: Options): Promise<{ data: object; targets: Target[] }> {
  const probe = join(lab.dir, 'probe.sh');
  await writeFile(probe, `${HOST_PROBE}\n`);
  const file = await monitorFile(lab);
  const loadStart = load();
  const scan: number[] = [];
  const exec: number[] = [];
  const scanInside: number[] = [];
  const answered: { exec: number; scan: number }[] = [];
  const failures: string[] = [];
  for (let i = 0; i < o.runs; i++) {
    const e = wall(lab, [
      process.execPath,
      SALVO,
      '-s',
      file,
      'exec',
      '--json',
      '@all',
      '--',
      'sh',
      probe,
    ]);
    const rows = e.out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { host: string; ok: boolean; failure?: { message: string } });
    const execOk = rows.filter((r) => r.ok).length;
    if (execOk !== o.hosts) {
      failures.push(
        `exec ${i + 1}: exit ${e.code}, ${execOk} of ${o.hosts} answered in ${e.s.toFixed(1)} s: ${rows
          .filter((r) => !r.ok)
          .slice(0, 3)
          .map((r) => `${r.host}: ${r.failure?.message}`)
          .join('; ')}${e.err.slice(0, 200)}`,
      );
    }
    process.stdout.write(`exec: ${e.s.toFixed(2)} s, ${execOk} answered (load ${load()[0]})\n`);
    const s = wall(lab, [process.execPath, SALVO, '-s', file, 'monitor', 'scan', '--json']);
    const result = s.out
      ? (JSON.parse(s.out) as {
          durationMs: number;
          findings: { check: string; state: string; message: string }[];
        })
      : undefined;
    const reach = result?.findings.filter((f) => f.check === 'reach') ?? [];
    const scanOk = reach.filter((f) => f.state === 'ok').length;
    if (s.code !== 0 || scanOk !== o.hosts) {
      const bad = reach.filter((f) => f.state !== 'ok').map((f) => f.message);
      failures.push(
        `scan ${i + 1}: exit ${s.code}, ${scanOk} of ${o.hosts} answered in ${s.s.toFixed(1)} s: ${bad.slice(0, 3).join('; ')}${s.err.slice(0, 200)}`,
      );
    }
    process.stdout.write(
      `monitor scan: ${s.s.toFixed(2)} s, ${scanOk} answered (load ${load()[0]})\n`,
    );
    answered.push({ exec: execOk, scan: scanOk });
    // Only pairs where both answered from every host are timed: a timeout makes either look slow.
    if (execOk === o.hosts && scanOk === o.hosts && s.code === 0) {
      exec.push(e.s);
      scan.push(s.s);
      scanInside.push(result!.durationMs / 1000);
    }
  }
  const ratio = scan.length ? Math.round((median(scan) / median(exec)) * 100) / 100 : null;
  const data = {
    mode: 'scan',
    hosts: o.hosts,
    runs: o.runs,
    loadStart,
    loadEnd: load(),
    execS: exec.map((x) => Math.round(x * 1000) / 1000),
    scanS: scan.map((x) => Math.round(x * 1000) / 1000),
    scanInsideS: scanInside,
    answered,
    failures,
    ratio,
  };
  for (const f of failures) {
    process.stdout.write(`failure: ${f}\n`);
  }
  return {
    data,
    targets: [
      target({
        what: `monitor scan of ${o.hosts} hosts: hosts answering in the worst of ${o.runs} scans`,
        n: o.hosts,
        value: Math.min(...answered.map((a) => a.scan)),
        limit: o.hosts,
        unit: 'hosts',
        direction: 'min',
      }),
      target({
        what: `monitor scan of ${o.hosts} hosts ≤ 1.5× a bare salvo exec of the same probe (median of ${scan.length} pairs)`,
        n: o.hosts,
        value: ratio,
        limit: 1.5,
        unit: '×',
        against: 'salvo exec (cold)',
      }),
    ],
  };
}

async function main(argv: string[]): Promise<number> {
  const o = parseOptions(argv);
  if (o === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = join(await mkdtemp(join(tmpdir(), 'salvo-bench-monitor-')), 'lab');
  const lab = await aliasLabUp({ hosts: o.hosts, dir });
  try {
    const { data, targets } =
      o.soakMs === undefined ? await scanMode(lab, o) : await soakMode(lab, o);
    const { samples: _, ...brief } = data as { samples?: unknown };
    process.stdout.write(`${JSON.stringify(brief, null, 2)}\n`);
    for (const t of targets) {
      process.stdout.write(`${t.verdict}  ${t.what}: ${t.value ?? 'n/a'} (limit ${t.limit})\n`);
    }
    if (o.record) {
      await writeRecord(o.soakMs === undefined ? 'monitor' : 'monitor-soak', { ...data, targets });
    }
    return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
  } finally {
    await aliasLabDown(dir);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runBench(main);
}
