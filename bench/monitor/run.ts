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
//    rule of bench/monitor/growth.ts (noise floors: 1 MiB RSS, 0.25 MiB heap).
import { spawn, spawnSync } from 'node:child_process';
import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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
import { type Census, type CensusChange, readCensus, topGrowth } from './census.js';
import { growthOf, type Sample } from './growth.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SALVO = join(ROOT, 'bin/salvo');
const SAMPLER = join(dirname(fileURLToPath(import.meta.url)), 'heap-sampler.js');

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

interface Options {
  hosts: number;
  runs: number;
  soakMs?: number;
  intervalMs: number;
  census: boolean;
  nodeFlags: string[];
  record: boolean;
}

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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

/**
 * The lab's services file with a monitor section: host resources on every host, never alarming.
 * A deployment name of its own: alias labs share this machine's /run/lock, where the monitors'
 * election lock lives (salvo-DEPLOYMENT.monitor.lock), and a second bench's monitor would stand
 * by instead of scanning.
 */
async function monitorFile(lab: AliasLab): Promise<string> {
  const file = join(lab.dir, 'services-monitor.yaml');
  const services = (await readFile(lab.servicesFile, 'utf8')).replace(
    /^deployment: .*$/m,
    `deployment: monitor_bench_${lab.netns.replace(/\W/g, '_')}`,
  );
  await writeFile(
    file,
    `${services.trimEnd()}
monitor:
  liveness: []
  resources:
    load: { warning: 1000000, critical: 1000000 }
    memory: { warning: 100, critical: 100 }
    disk: { warning: 100, critical: 100 }
    inodes: { warning: 100, critical: 100 }
    clock: { warning: 1000, critical: 1000 }
  history: ${JSON.stringify(join(lab.dir, 'history.jsonl'))}
`,
  );
  return file;
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

interface SoakSample {
  t: number;
  scan: number;
  rssMiB: number;
  liveHeapMiB: number | null;
  /** Of the live heap, V8's code space (machine code of compiled functions). */
  codeMiB: number | null;
  heapTotalMiB: number | null;
  load1: number;
}

/** Scans before this one are warm-up: modules load and caches fill on the first scans. */
const WARMUP_SCANS = 3;
/** The noise floor of the heap rules. */
const HEAP_FLOOR_MIB = 0.25;

async function soakMode(lab: AliasLab, o: Options): Promise<{ data: object; targets: Target[] }> {
  const file = await monitorFile(lab);
  const heapFile = join(lab.dir, 'heap.jsonl');
  const [cmd, ...args] = inAliasLab(lab, [
    process.execPath,
    ...o.nodeFlags,
    '--expose-gc',
    '--import',
    SAMPLER,
    SALVO,
    '-s',
    file,
    'monitor',
    'run',
    '--interval',
    `${o.intervalMs}ms`,
    '--json',
  ]);
  const loadStart = load();
  const started = Date.now();
  const child = spawn(cmd!, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: lab.dir,
    env: {
      ...process.env,
      SALVO_BENCH_HEAP_FILE: heapFile,
      ...(o.census ? { SALVO_BENCH_SNAPSHOT_DIR: lab.dir } : {}),
    },
  });
  // Census snapshots: at the end of the first window of the growth rule, half-way, at the end.
  const warmS = ((WARMUP_SCANS + 1) * o.intervalMs) / 1000;
  const windowS = Math.min(600, (o.soakMs! / 1000 - warmS) / 3);
  const snapshotAtS = o.census ? [warmS + windowS, (warmS + o.soakMs! / 1000) / 2] : [];
  const snapshot = async (): Promise<string> => {
    const n = snapshotFiles.length + 1;
    const to = join(lab.dir, `snapshot-${n}.heapsnapshot`);
    child.kill('SIGUSR2');
    const written = (): Promise<boolean> =>
      access(to).then(
        () => true,
        () => false,
      );
    for (let waited = 0; !(await written()); waited += 200) {
      if (waited > 120_000) {
        throw new Error(`heap snapshot ${n} not written after 120 s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    snapshotFiles.push(to);
    return to;
  };
  const snapshotFiles: string[] = [];
  const samples: SoakSample[] = [];
  let sampling = true;
  const scanDurations: number[] = [];
  let worst = 0;
  const mib = (b: number): number => Math.round((b / 1024 / 1024) * 100) / 100;
  const sample = async (): Promise<void> => {
    // `ip netns exec` execs the command: the child's pid is node's.
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const kib = sampling ? Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]) : 0;
    const lines = (await readFile(heapFile, 'utf8').catch(() => '')).trimEnd().split('\n');
    const heap = lines.at(-1) ? (JSON.parse(lines.at(-1)!) as Record<string, number>) : undefined;
    if (kib > 0) {
      samples.push({
        t: (Date.now() - started) / 1000,
        scan: scanDurations.length,
        rssMiB: Math.round((kib / 1024) * 100) / 100,
        liveHeapMiB: heap ? mib(heap.heapUsed!) : null,
        codeMiB: heap?.code !== undefined ? mib(heap.code) : null,
        heapTotalMiB: heap ? mib(heap.heapTotal!) : null,
        load1: load()[0]!,
      });
    }
  };
  let buffered = '';
  let pending = Promise.resolve();
  child.stdout.on('data', (d: Buffer) => {
    buffered += String(d);
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const e = JSON.parse(line) as { kind: string; scan?: { durationMs: number; worst: string } };
      if (e.kind === 'scan' && e.scan) {
        scanDurations.push(e.scan.durationMs);
        worst = Math.max(worst, e.scan.worst === 'ok' ? 0 : 1);
        pending = pending.then(sample);
      }
    }
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let lastReport = 0;
  while (Date.now() - started < o.soakMs! && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 1000));
    if (snapshotAtS.length > 0 && (Date.now() - started) / 1000 >= snapshotAtS[0]!) {
      snapshotAtS.shift();
      await snapshot();
    }
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      const s = samples.at(-1);
      process.stdout.write(
        `soak: ${Math.round((Date.now() - started) / 60_000)} min, ${scanDurations.length} scans, rss ${s?.rssMiB ?? '?'} MiB, live heap ${s?.liveHeapMiB ?? '?'} MiB (code ${s?.codeMiB ?? '?'}), load ${load()[0]}\n`,
      );
    }
  }
  const early = child.exitCode;
  sampling = false;
  if (o.census && early === null) {
    await snapshot();
  }
  child.kill('SIGINT');
  await exited;
  await pending;
  if (early !== null) {
    throw new Error(`monitor run exited early (${early}) after ${scanDurations.length} scans`);
  }
  const after = samples.filter((s) => s.scan > WARMUP_SCANS);
  const rss = growthOf(
    after.map((s): Sample => ({ t: s.t, value: s.rssMiB })),
    1,
  );
  const heap = growthOf(
    after.flatMap((s): Sample[] =>
      s.liveHeapMiB === null ? [] : [{ t: s.t, value: s.liveHeapMiB }],
    ),
    HEAP_FLOOR_MIB,
  );
  const dataHeap = growthOf(
    after.flatMap((s): Sample[] =>
      s.liveHeapMiB === null || s.codeMiB === null
        ? []
        : [{ t: s.t, value: Math.round((s.liveHeapMiB - s.codeMiB) * 100) / 100 }],
    ),
    HEAP_FLOOR_MIB,
  );
  const census = o.census ? await censusSummary(snapshotFiles) : undefined;
  const data = {
    mode: 'soak',
    nodeFlags: o.nodeFlags,
    hosts: o.hosts,
    minutes: Math.round(((Date.now() - started) / 60_000) * 10) / 10,
    intervalS: o.intervalMs / 1000,
    scans: scanDurations.length,
    scanS: {
      median: median(scanDurations) / 1000,
      max: Math.max(...scanDurations) / 1000,
    },
    anyFinding: worst > 0,
    loadStart,
    loadEnd: load(),
    loadMedian: median(samples.map((s) => s.load1)),
    warmupScans: WARMUP_SCANS,
    rssMiB: rss,
    liveHeapMiB: heap,
    liveHeapWithoutCodeMiB: dataHeap,
    ...(census ? { census } : {}),
    samples,
  };
  const grow = (what: string, g: typeof rss): Target =>
    target({
      what: `monitor run ${what} growth over ${data.minutes} min of ${data.intervalS} s scans (median of the last ${g?.windowS ?? 0} s − of the first) ≤ the first window's spread`,
      n: o.hosts,
      value: g ? g.growth : null,
      limit: g ? g.noise : 0,
      unit: 'MiB',
    });
  return {
    data,
    targets: [
      grow('RSS', rss),
      grow('live heap (without code)', dataHeap),
      grow('live heap', heap),
      ...(census ? [census.target] : []),
    ],
  };
}

/** Program data (everything but V8's code and compiler metadata) from the first snapshot to the
 * last, against the heap rule's floor; the biggest growers listed for the reader. */
async function censusSummary(files: string[]): Promise<{
  snapshots: number;
  dataMiB: number[];
  metadataMiB: number[];
  topGrowth: CensusChange[];
  target: Target;
}> {
  const censuses: Census[] = [];
  for (const f of files) {
    censuses.push(await readCensus(f));
  }
  const mib = (b: number): number => Math.round((b / 1024 / 1024) * 100) / 100;
  const dataMiB = censuses.map((c) => mib(c.dataBytes));
  return {
    snapshots: files.length,
    dataMiB,
    metadataMiB: censuses.map((c) => mib(c.metadataBytes)),
    topGrowth: topGrowth(censuses),
    target: target({
      what: `monitor run program data in heap snapshots (all but V8's code and compiler metadata), growth from the first window's end to the end ≤ ${HEAP_FLOOR_MIB} MiB`,
      n: files.length,
      value: dataMiB.length > 1 ? Math.round((dataMiB.at(-1)! - dataMiB[0]!) * 100) / 100 : null,
      limit: HEAP_FLOOR_MIB,
      unit: 'MiB',
    }),
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
