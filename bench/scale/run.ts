// 1,000 hosts: cold `salvo exec` against pdsh on the same endpoints (an alias lab: one sshd, one
// address per host, admin/lab/aliases), every host's answer checked. Reported: wall time (ratio
// to pdsh), salvo's peak RSS (target ≤ 300 MiB), its client CPU per host, and whether its one
// thread saturates (client CPU / wall near 1 means the event loop, not the network, is the limit).
// Needs root (a network namespace).
//   node dist/bench/scale/run.js [--hosts 1000] [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aliasLabDown,
  aliasLabUp,
  inAliasLab,
  type AliasLab,
} from '../../admin/lab/aliases/index.js';
import { runBench, writeRecord } from '../suite/record.js';
import { type Target, target } from '../suite/targets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SALVO = join(ROOT, 'bin/salvo');
const RSS_LIMIT_MIB = 300;

interface Measured {
  wallS: number;
  cpuS: number;
  maxRssMiB: number;
  ok: boolean;
  reason?: string;
}

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const n = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name}: expected a positive integer`);
  }
  return n;
}

/** Run argv inside the lab under GNU time; wall, CPU and peak RSS of the measured process. */
async function timed(
  lab: AliasLab,
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ out: string; err: string; code: number | null; m: Omit<Measured, 'ok'> }> {
  const stats = join(lab.dir, 'time.out');
  const [cmd, ...args] = inAliasLab(lab, [
    '/usr/bin/time',
    '-o',
    stats,
    '-f',
    '%e %U %S %M',
    ...argv,
  ]);
  const r = spawnSync(cmd!, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 600_000,
    cwd: lab.dir,
  });
  const [wall, user, sys, rssKiB] = (await readFile(stats, 'utf8'))
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number);
  return {
    out: r.stdout,
    err: r.stderr,
    code: r.status,
    m: { wallS: wall!, cpuS: user! + sys!, maxRssMiB: rssKiB! / 1024 },
  };
}

async function runSalvo(lab: AliasLab): Promise<Measured> {
  const n = lab.hosts.length;
  const r = await timed(lab, [
    process.execPath,
    SALVO,
    '-s',
    lab.servicesFile,
    'exec',
    '--json',
    '-f',
    String(n),
    '@all',
    '--',
    'echo "$SALVO_LAB_HOST"',
  ]);
  const rows = r.out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { host: string; stdout: string });
  const wrong = rows.filter((x) => x.stdout !== `${x.host}\n`).length;
  const ok = r.code === 0 && rows.length === n && wrong === 0;
  return {
    ...r.m,
    ok,
    ...(ok ? {} : { reason: `exit ${r.code}, ${rows.length} rows, ${wrong} wrong` }),
  };
}

async function runPdsh(lab: AliasLab): Promise<Measured> {
  const n = lab.hosts.length;
  const r = await timed(
    lab,
    [
      'pdsh',
      '-S',
      '-R',
      'ssh',
      '-f',
      String(n),
      '-w',
      `^${lab.addressesFile}`,
      'echo "$SALVO_LAB_HOST"',
    ],
    { PDSH_SSH_ARGS_APPEND: `-F ${lab.sshConfigFile}` },
  );
  const byAddress = new Map(lab.hosts.map((h) => [h.address, h.name]));
  const lines = r.out.trim().split('\n').filter(Boolean);
  const wrong = lines.filter((l) => {
    const [addr, name] = l.split(': ');
    return byAddress.get(addr!) !== name;
  }).length;
  const ok = r.code === 0 && lines.length === n && wrong === 0;
  return {
    ...r.m,
    ok,
    ...(ok
      ? {}
      : {
          reason: `exit ${r.code}, ${lines.length} lines, ${wrong} wrong: ${r.err.slice(0, 200)}`,
        }),
  };
}

const median = (xs: number[]): number | null => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) {
    return null;
  }
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(argv: string[]): Promise<number> {
  const hosts = arg(argv, '--hosts', 1000);
  const runs = arg(argv, '--runs', 3);
  const work = await mkdtemp(join(tmpdir(), 'salvo-bench-scale-'));
  const lab = await aliasLabUp({ hosts, dir: join(work, 'lab') });
  try {
    const salvo: Measured[] = [];
    const pdsh: Measured[] = [];
    await runSalvo(lab); // warm-up: caches of the CLI and of the page cache
    for (let i = 0; i < runs; i++) {
      salvo.push(await runSalvo(lab));
      pdsh.push(await runPdsh(lab));
      process.stdout.write(
        `run ${i + 1}: salvo ${salvo.at(-1)!.wallS.toFixed(2)} s ${salvo.at(-1)!.maxRssMiB.toFixed(0)} MiB${salvo.at(-1)!.ok ? '' : ` (${salvo.at(-1)!.reason})`}, pdsh ${pdsh.at(-1)!.wallS.toFixed(2)} s${pdsh.at(-1)!.ok ? '' : ` (${pdsh.at(-1)!.reason})`}\n`,
      );
    }
    const good = (xs: Measured[]): Measured[] => xs.filter((x) => x.ok);
    const sWall = median(good(salvo).map((x) => x.wallS));
    const pWall = median(good(pdsh).map((x) => x.wallS));
    const rssAll = good(salvo).map((x) => x.maxRssMiB);
    const rss = rssAll.length ? Math.max(...rssAll) : Number.NaN;
    const cpu = median(good(salvo).map((x) => x.cpuS));
    const saturation = sWall && cpu !== null ? cpu / sWall : null;
    const targets: Target[] = [
      target({
        what: `salvo exec (cold) vs pdsh, ${hosts} hosts`,
        n: hosts,
        value: sWall && pWall ? sWall / pWall : null,
        limit: 1,
        unit: '×',
        against: 'pdsh',
      }),
      target({
        what: `salvo exec peak RSS, ${hosts} hosts`,
        n: hosts,
        value: Number.isFinite(rss) ? rss : null,
        limit: RSS_LIMIT_MIB,
        unit: 'MiB',
      }),
    ];
    const notes = {
      clientCpuMsPerHost: cpu !== null ? (cpu * 1000) / hosts : null,
      clientCpuOverWall: saturation,
      saturates: saturation !== null ? saturation > 0.9 : null,
    };
    for (const t of targets) {
      process.stdout.write(
        `${t.what}: ${t.value?.toFixed(2)} ${t.unit} (≤ ${t.limit}): ${t.verdict}\n`,
      );
    }
    process.stdout.write(
      `client CPU per host ${notes.clientCpuMsPerHost?.toFixed(2)} ms; CPU/wall ${saturation?.toFixed(2)}\n`,
    );
    await writeRecord('scale', { hosts, runs, salvo, pdsh, notes, targets });
    return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
  } finally {
    await aliasLabDown(lab.dir);
    await rm(work, { recursive: true, force: true });
  }
}

runBench(main);
