// A rolling hub restart under load through haproxy (issue 16), against a plain serial restart of
// the same hubs, on the lab of 5 (4 hub units on cloud[1-2], haproxy on cloud3), alternated:
// - rolling: `salvo restart hub --rolling` (each hub drained in haproxy, restarted, health-gated,
//   put back);
// - plain serial: `salvo restart hub --serial --no-drain --no-wait` (one hub after another, as a
//   loop of stop/start over SSH would: no drain, no gate).
// Both under the same steady load (150 requests/s through haproxy, a third of them slow, so every
// hub always has requests in flight), from this process. Recorded: requests sent, failed, the
// restart's duration. Target: 0 failed requests in every rolling run; the plain serial restart's
// failures show that the load can see drops, and the duration ratio is what draining costs.
//   node dist/bench/hubs/run.js [--runs 3] [--rps 150]
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoad, type LoadReport } from '../../admin/cli/demo/load.js';
import { labDown, labUp } from '../../admin/lab/index.js';
import { runBench, writeRecord } from '../suite/record.js';
import { target } from '../suite/targets.js';

const USAGE = `usage: node dist/bench/hubs/run.js [--runs 3] [--rps 150]
  --runs N   rolling and plain serial restarts, alternated (default 3 each)
  --rps N    requests per second through haproxy during each restart (default 150)
Needs root (a lab of 5 in network namespaces). Writes bench/results/hubs-TIME.json; exit 0 only
when no rolling restart lost a request.`;

const BIN = resolve(fileURLToPath(new URL('../../../bin/salvo', import.meta.url)));

interface Run {
  kind: 'rolling' | 'serial';
  code: number | null;
  ms: number;
  sent: number;
  failed: number;
  errors: string[];
  servedBy: Record<string, number>;
}

function parse(argv: string[]): { runs: number; rps: number } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const o = { runs: 3, rps: 150 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], Number(argv[i + 1])];
    if (!(value > 0) || !['--runs', '--rps'].includes(flag ?? '')) {
      throw new Error(`${USAGE}\n(got ${flag})`);
    }
    o[flag!.slice(2) as 'runs' | 'rps'] = value;
  }
  return o;
}

/** The CLI, asynchronously: the load runs in this process and must keep its pace meanwhile. */
function salvo(
  file: string,
  ...args: string[]
): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, '-s', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.on('exit', (code) => done({ code, out, ms: Date.now() - started }));
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const say = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function main(argv: string[]): Promise<number> {
  const o = parse(argv);
  const dir = await mkdtemp(join(tmpdir(), 'salvo-bench-hubs-'));
  const lab = await labUp({ hosts: 5, dir });
  try {
    const file = lab.servicesFile;
    const url = `http://${lab.hosts[2]!.address}:8000/`;
    const up = await salvo(file, 'start', 'all');
    if (up.code !== 0) {
      throw new Error(`salvo start all: exit ${up.code}\n${up.out}`);
    }
    const runs: Run[] = [];
    for (let i = 0; i < o.runs * 2; i++) {
      const kind = i % 2 === 0 ? 'rolling' : 'serial';
      const args =
        kind === 'rolling'
          ? ['restart', 'hub', '--rolling']
          : ['restart', 'hub', '--serial', '--no-drain', '--no-wait'];
      const load = startLoad(url, o.rps);
      await pause(1000);
      const r = await salvo(file, ...args);
      await pause(500);
      const report: LoadReport = await load.stop();
      if (r.code !== 0) {
        throw new Error(`salvo ${args.join(' ')}: exit ${r.code}\n${r.out}`);
      }
      runs.push({
        kind,
        code: r.code,
        ms: r.ms,
        sent: report.sent,
        failed: report.failed,
        errors: report.errors.slice(0, 3),
        servedBy: Object.fromEntries(report.servedBy),
      });
      say(
        `${kind.padEnd(7)} ${i >> 1}: ${(r.ms / 1000).toFixed(2)} s, ${report.sent} requests, ${report.failed} failed${report.errors[0] ? ` (e.g. ${report.errors[0]})` : ''}`,
      );
      // Every hub back in haproxy and answering before the next run (the serial one has no gate).
      await pause(1500);
    }
    const of = (k: Run['kind']) => runs.filter((r) => r.kind === k);
    const rollingMs = median(of('rolling').map((r) => r.ms));
    const serialMs = median(of('serial').map((r) => r.ms));
    const ratio = Math.round((rollingMs / serialMs) * 100) / 100;
    const targets = [
      target({
        what: `rolling hub restart (4 hubs) under ${o.rps} req/s through haproxy: failed requests, worst of ${o.runs} runs`,
        value: Math.max(...of('rolling').map((r) => r.failed)),
        limit: 0,
        unit: 'requests',
      }),
    ];
    for (const t of targets) {
      say(`${t.verdict}  ${t.what}: ${t.value}`);
    }
    say(
      `plain serial restart (--no-drain --no-wait): failed ${of('serial')
        .map((r) => r.failed)
        .join(
          ', ',
        )} requests; duration rolling ${(rollingMs / 1000).toFixed(2)} s vs serial ${(serialMs / 1000).toFixed(2)} s: ${ratio}×`,
    );
    await writeRecord('hubs', {
      runs: o.runs,
      rps: o.rps,
      results: runs,
      medianMs: { rolling: rollingMs, serial: serialMs },
      durationRatio: ratio,
      targets,
    });
    return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
  } finally {
    await labDown(dir);
  }
}

runBench(main);
