// The monitor bench's soak mode (`--soak DURATION`): `salvo monitor run` for that long, its RSS
// and live heap sampled at every scan and judged by the no-growth rule (growth.ts); with
// `--census`, heap snapshots summed by kind (census.ts).
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AliasLab, inAliasLab } from '../../admin/lab/aliases/index.js';
import { target, type Target } from '../suite/targets.js';
import { type Census, type CensusChange, readCensus, topGrowth } from './census.js';
import { load, median, monitorFile, type Options, SALVO } from './common.js';
import { growthOf, type Sample } from './growth.js';

const SAMPLER = join(dirname(fileURLToPath(import.meta.url)), 'heap-sampler.js');

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

export async function soakMode(
  lab: AliasLab,
  o: Options,
): Promise<{ data: object; targets: Target[] }> {
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
      // The snapshots themselves take native memory that stays in the RSS: not judged then.
      census
        ? target({
            what: 'monitor run RSS (not judged: heap snapshots were taken)',
            n: o.hosts,
            value: null,
            limit: 0,
            unit: 'MiB',
          })
        : grow('RSS', rss),
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
