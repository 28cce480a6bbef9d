// `npm run bench [-- --only NAME[,NAME]] [-- BENCH ARGS]`: every benchmark in one run, one table of
// targets with PASS/MISS, the raw record in bench/results/suite-*.json, and the results section
// of docs/benchmarks.md regenerated from it (no hand-copied numbers).
//   --list             the benchmarks and what they measure
//   --only a,b         run only these
//   --report FILE      regenerate the docs section from an earlier suite record, run nothing
// Anything after a second `--` goes to every benchmark run (e.g. `-- --runs 3`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BenchOutcome,
  renderMarkdown,
  renderTable,
  replaceSection,
  type SuiteRecord,
} from './report.js';
import type { Target } from './targets.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench/suite
const ROOT = resolve(HERE, '../../..');
const DOC = join(ROOT, 'docs/benchmarks.md');

/** Every benchmark: its program under dist/bench/ and what it measures. Adding one is one line. */
export const BENCHES: readonly { name: string; program: string; about: string }[] = [
  {
    name: 'fanout',
    program: 'fanout/run.js',
    about: 'cold and warm fan-out at 20/50/200 hosts vs ssh loop, pdsh, pssh, clush; start-up',
  },
  {
    name: 'hubs',
    program: 'hubs/run.js',
    about:
      'rolling hub restart under load through haproxy (failed requests) vs a plain serial restart',
  },
  {
    name: 'tinc',
    program: 'tinc/run.js',
    about: '20-host tinc mesh from nothing to a verified ping matrix',
  },
  {
    name: 'scale',
    program: 'scale/run.js',
    about: '1,000 hosts (alias lab): salvo exec vs pdsh, peak RSS, client CPU per host',
  },
  {
    name: 'copy',
    program: 'copy/run.js',
    about: 'salvo copy of a 64 MiB file and of 2,000 small files to 20 hosts vs pdcp, clush --copy',
  },
  {
    name: 'cassandra',
    program: 'cassandra/run.js',
    about:
      '5-node CQL-simulator ring: rolling repair overhead per node; client recovery after an outage',
  },
  {
    name: 'backup',
    program: 'backup/run.js',
    about:
      'backup run vs plain rsync over SSH (full, 1 % changed with --link-dest), per-run overhead',
  },
  {
    name: 'monitor',
    program: 'monitor/run.js',
    about:
      'monitor scan of 200 hosts (alias lab) vs a bare salvo exec of its probe (soak: --soak 60m)',
  },
  {
    name: 'vm',
    program: 'vm/run.js',
    about: 'salvo vm start → guest SSH vs the same qemu by hand; 6 guests on 3 hosts (root, TCG)',
  },
  {
    name: 'startup',
    program: 'startup/run.js',
    about: 'salvo --version and salvo check (200 hosts) vs node -e 0',
  },
];

interface Args {
  only?: string[];
  list: boolean;
  report?: string;
  pass: string[];
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { list: false, pass: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.pass = argv.slice(i + 1);
      break;
    }
    if (a === '--list') {
      args.list = true;
    } else if (a === '--only' || a === '--report') {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${a} needs a value`);
      }
      if (a === '--only') {
        args.only = v.split(',').filter(Boolean);
      } else {
        args.report = v;
      }
    } else {
      throw new Error(
        `unknown argument ${a} (--list, --only NAME[,NAME], --report FILE, -- BENCH ARGS)`,
      );
    }
  }
  const unknown = (args.only ?? []).filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    throw new Error(
      `no benchmark named ${unknown.join(', ')} (have: ${BENCHES.map((b) => b.name).join(', ')})`,
    );
  }
  return args;
}

/** Runs one benchmark program, its output shown as it comes, and reads its targets. */
async function runOne(name: string, program: string, pass: string[]): Promise<BenchOutcome> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/bench', program), ...pass], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    process.stdout.write(d);
  });
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? 70)));
  const file = /^results: (.+)$/m.exec(out)?.[1]?.trim() ?? null;
  if (!file || !existsSync(file)) {
    return { name, code, resultsFile: null, targets: [], error: `no results file (exit ${code})` };
  }
  const data = JSON.parse(await readFile(file, 'utf8')) as { targets?: Target[] };
  return { name, code, resultsFile: relative(ROOT, file), targets: data.targets ?? [] };
}

async function writeDocs(rec: SuiteRecord, recordFile: string): Promise<void> {
  const doc = await readFile(DOC, 'utf8');
  await writeFile(DOC, replaceSection(doc, renderMarkdown(rec, relative(ROOT, recordFile))));
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.list) {
    for (const b of BENCHES) {
      process.stdout.write(`${b.name.padEnd(10)} ${b.about}\n`);
    }
    return 0;
  }
  if (args.report) {
    const rec = JSON.parse(await readFile(args.report, 'utf8')) as SuiteRecord;
    await writeDocs(rec, resolve(args.report));
    process.stdout.write(`${renderTable(rec)}\n`);
    return 0;
  }
  const rec: SuiteRecord = {
    date: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? '?',
      node: process.version,
      loadavgStart: loadavg(),
    },
    benches: [],
  };
  for (const b of BENCHES.filter((x) => !args.only || args.only.includes(x.name))) {
    process.stderr.write(`\n== bench ${b.name}: ${b.about}\n`);
    rec.benches.push(await runOne(b.name, b.program, args.pass));
  }
  const file = join(
    ROOT,
    'bench/results',
    `suite-${rec.date.slice(0, 19).replace(/[:T]/g, '-')}.json`,
  );
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(rec, null, 2)}\n`);
  await writeDocs(rec, file);
  process.stdout.write(
    `\n${renderTable(rec)}\n\nsuite record: ${relative(ROOT, file)} (docs/benchmarks.md updated)\n`,
  );
  const missed = rec.benches.some(
    (b) => b.code !== 0 || b.targets.some((t) => t.verdict !== 'PASS'),
  );
  return missed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
