// tinc benchmark: a 20-host mesh from nothing (no keys, no config, no tincd) to a verified
// all-pairs ping matrix, through the library exactly as `salvo tinc init` runs it (a fresh
// Deployment each run, so SSH connections are cold). Targets: median ≤ 3 s, and no run that needed
// the repair step (a pair left dark by tinc 1.0's packet-key race). Not a test: it measures.
//   node dist/bench/tinc/run.js [--hosts 20] [--runs 3] [--key-bits 2048]
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from '../../admin/deployment/deployment.js';
import { tincInit, type TincEvent, type TincPhase } from '../../admin/tinc/index.js';
import { buildMeshLab, destroyMeshLab, resetMesh, type MeshLab } from './mesh-lab.js';
import { type Target, target } from '../suite/targets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const TARGET_S = 3;
const say = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

interface Options {
  hosts: number;
  runs: number;
  keyBits: number;
}
interface RunResult {
  totalS: number;
  phases: Partial<Record<TincPhase, number>>;
  ok: boolean;
  pairs: number;
  repaired: string[];
  rounds: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { hosts: 20, runs: 3, keyBits: 2048 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], Number(argv[i + 1])];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${flag}: expected a positive integer`);
    }
    if (flag === '--hosts') {
      opts.hosts = value;
    } else if (flag === '--runs') {
      opts.runs = value;
    } else if (flag === '--key-bits') {
      opts.keyBits = value;
    } else {
      throw new Error(`unknown flag ${flag} (--hosts N, --runs N, --key-bits N)`);
    }
  }
  return opts;
}

/** One run from nothing; phase times are from each phase's start to the next one's. */
async function oneRun(m: MeshLab, keyBits: number): Promise<RunResult> {
  const marks: [TincPhase, number][] = [];
  const onEvent = (e: TincEvent): void => {
    if (e.kind === 'phase' && marks.at(-1)?.[0] !== e.phase) {
      marks.push([e.phase, Date.now()]);
    }
  };
  const t0 = Date.now();
  const dep = await Deployment.open(m.services);
  try {
    const r = await tincInit(dep, { keyBits, onEvent, waitMs: 60_000, confDir: m.confDir });
    const end = Date.now();
    const phases: RunResult['phases'] = {};
    marks.forEach(([phase, at], i) => {
      phases[phase] = (phases[phase] ?? 0) + ((marks[i + 1]?.[1] ?? end) - at) / 1000;
    });
    return {
      totalS: (end - t0) / 1000,
      phases,
      ok: r.matrix?.ok ?? false,
      pairs: r.matrix?.pairs.filter((p) => p.ok).length ?? 0,
      repaired: r.repaired,
      rounds: r.matrix?.rounds ?? 0,
    };
  } finally {
    await dep.close();
  }
}

/** The suite's targets: the median time, and how many runs the repair had to rescue. */
function tincTargets(results: RunResult[], med: number, hosts: number): Target[] {
  const repaired = results.filter((r) => r.repaired.length > 0).length;
  const failed = results.filter((r) => !r.ok).length;
  return [
    target({
      what: `${hosts}-host mesh, nothing → verified (median)`,
      n: hosts,
      value: failed ? null : med,
      limit: TARGET_S,
      unit: 's',
    }),
    target({
      what: 'runs where a pair needed the repair step',
      n: hosts,
      value: repaired,
      limit: 0,
      unit: 'runs',
    }),
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function describe(r: RunResult, n: number): string {
  const phases = Object.entries(r.phases)
    .map(([p, s]) => `${p} ${s.toFixed(2)}`)
    .join(', ');
  const repaired = r.repaired.length ? `; repaired ${r.repaired.join(',')}` : '';
  return `${r.totalS.toFixed(2)} s  (${phases}; ${r.pairs}/${n * (n - 1)} pairs, ${r.rounds} verify round(s)${repaired})`;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    say('bench: the lab fleet needs root');
    return 2;
  }
  say(
    `tinc bench: ${opts.hosts}-host full mesh from nothing to verified, ${opts.keyBits}-bit keys, ${opts.runs} run(s)`,
  );
  say(
    `machine: ${cpus().length} CPUs, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const m = await buildMeshLab(opts.hosts);
  const results: RunResult[] = [];
  try {
    say(`lab: ${opts.hosts} hosts up in ${m.upS.toFixed(2)} s (not counted)`);
    for (let i = 1; i <= opts.runs; i++) {
      await resetMesh(m);
      const r = await oneRun(m, opts.keyBits);
      results.push(r);
      say(`run ${i}: ${describe(r, opts.hosts)}${r.ok ? '' : '  MESH NOT VERIFIED'}`);
    }
  } finally {
    await destroyMeshLab(m);
  }
  const med = median(results.map((r) => r.totalS));
  const allOk = results.every((r) => r.ok);
  say(
    `median: ${med.toFixed(2)} s from nothing to verified (target ≤ ${TARGET_S} s: ${med <= TARGET_S && allOk ? 'met' : 'MISSED'})`,
  );
  const file = join(
    ROOT,
    'bench/results',
    `tinc-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`,
  );
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ options: opts, cpus: cpus().length, load: loadavg(), results, medianS: med, targets: tincTargets(results, med, opts.hosts) }, null, 2)}\n`,
  );
  say(`results: ${file}`);
  return med <= TARGET_S && allOk ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
