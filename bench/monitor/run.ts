// The monitor at scale (issue 15, item 9): one `salvo monitor scan` of N hosts (host resources on
// every host) against a bare `salvo exec` of the same probe script on the same hosts, both cold
// processes in an alias lab (admin/lab/aliases: one sshd, one address per host); then the RSS of
// `salvo monitor run --interval 1s` sampled every second for M minutes (growth means a leak).
// Needs root (a network namespace).
//   node dist/bench/monitor/run.js [--hosts 200] [--runs 3] [--minutes 2]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aliasLabDown,
  aliasLabUp,
  inAliasLab,
  type AliasLab,
} from '../../admin/lab/aliases/index.js';
import { HOST_PROBE } from '../../admin/monitor/host-probe.js';
import { runBench, writeRecord } from '../suite/record.js';
import { target } from '../suite/targets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SALVO = join(ROOT, 'bin/salvo');

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const n = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!(n > 0)) {
    throw new Error(`${name}: expected a positive number`);
  }
  return n;
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

async function rssOverTime(lab: AliasLab, file: string, minutes: number): Promise<number[]> {
  const [cmd, ...args] = inAliasLab(lab, [
    process.execPath,
    SALVO,
    '-s',
    file,
    'monitor',
    'run',
    '--interval',
    '1s',
    '--json',
  ]);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: lab.dir });
  let scans = 0;
  child.stdout.on('data', (d: Buffer) => {
    scans += (String(d).match(/"kind":"scan"/g) ?? []).length;
  });
  const samples: number[] = [];
  const end = Date.now() + minutes * 60_000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      // `ip netns exec` execs the command: the child's pid is node's.
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
      if (scans > 0 && kib > 0) {
        samples.push(Math.round((kib / 1024) * 10) / 10);
      }
    } catch {
      break;
    }
  }
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  process.stdout.write(`monitor run: ${scans} scans in ${minutes} min\n`);
  return samples;
}

async function main(argv: string[]): Promise<number> {
  const hosts = arg(argv, '--hosts', 200);
  const runs = arg(argv, '--runs', 3);
  const minutes = arg(argv, '--minutes', 2);
  const dir = join(await mkdtemp(join(tmpdir(), 'salvo-bench-monitor-')), 'lab');
  const lab = await aliasLabUp({ hosts, dir });
  try {
    const probe = join(lab.dir, 'probe.sh');
    await writeFile(probe, `${HOST_PROBE}\n`);
    const file = join(lab.dir, 'services-monitor.yaml');
    await writeFile(
      file,
      `${(await readFile(lab.servicesFile, 'utf8')).trimEnd()}
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
    const scan: number[] = [];
    const exec: number[] = [];
    for (let i = 0; i < runs; i++) {
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
      const rows = e.out.trim().split('\n').filter(Boolean).length;
      if (e.code !== 0 || rows !== hosts) {
        throw new Error(`exec: exit ${e.code}, ${rows} rows: ${e.err.slice(0, 500)}`);
      }
      exec.push(e.s);
      process.stdout.write(`exec: ${e.s.toFixed(2)} s\n`);
      const s = wall(lab, [process.execPath, SALVO, '-s', file, 'monitor', 'scan', '--json']);
      const found = s.out
        ? (JSON.parse(s.out) as { findings: { check: string; state: string }[] }).findings.filter(
            (f) => f.check === 'reach' && f.state === 'ok',
          ).length
        : 0;
      if (s.code !== 0 || found !== hosts) {
        throw new Error(
          `monitor scan: exit ${s.code}, ${found} hosts answered: ${s.err.slice(0, 500)}${s.out.slice(0, 500)}`,
        );
      }
      scan.push(s.s);
      process.stdout.write(`monitor scan: ${s.s.toFixed(2)} s\n`);
    }
    const rss = await rssOverTime(lab, file, minutes);
    const result = {
      date: new Date().toISOString(),
      hosts,
      runs,
      loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
      execS: exec.map((x) => Math.round(x * 1000) / 1000),
      scanS: scan.map((x) => Math.round(x * 1000) / 1000),
      ratio: Math.round((median(scan) / median(exec)) * 100) / 100,
      rssMiB: {
        first: rss[0],
        last: rss.at(-1),
        max: Math.max(...rss),
        samples: rss.length,
        minutes,
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const first = rss[0];
    const last = rss.at(-1);
    const targets = [
      target({
        what: `monitor scan of ${hosts} hosts ≤ 1.5× a bare salvo exec of the same probe`,
        n: hosts,
        value: result.ratio,
        limit: 1.5,
        unit: '×',
        against: 'salvo exec (cold)',
      }),
      target({
        what: `monitor run RSS growth over ${minutes} min of 1 s scans ≤ 10 %`,
        n: hosts,
        value: first && last ? Math.round(((last - first) / first) * 1000) / 10 : null,
        limit: 10,
        unit: '%',
      }),
    ];
    for (const t of targets) {
      process.stdout.write(`${t.verdict}  ${t.what}: ${t.value ?? 'n/a'}\n`);
    }
    await writeRecord('monitor', { ...result, targets });
    return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
  } finally {
    await aliasLabDown(dir);
  }
}

runBench(main);
