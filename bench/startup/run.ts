// Start-up: `salvo --version` and `salvo check` on a 200-host services file against `node -e 0`,
// the floor any Node CLI stands on. No host is contacted; no root needed.
//   node dist/bench/startup/run.js [--runs 10]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats, timedSpawn, type SpawnSpec } from '../fanout/measure.js';
import { runBench, writeRecord } from '../suite/record.js';
import { type Target, target } from '../suite/targets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SALVO = join(ROOT, 'bin/salvo');
const LIMIT = 1.5;

/** A services file of `hosts` hosts, each its own key (the slow shape for a loader), with services. */
export function servicesFile(hosts: number): string {
  const lines = [
    'deployment: bench',
    'ports: { hub: 5000, hub_proxy: 5100 }',
    'ssh: { user: root }',
    'hosts:',
  ];
  for (let i = 1; i <= hosts; i++) {
    lines.push(`  cloud${i}: { address: "198.18.${Math.floor(i / 250) + 200}.${(i % 250) + 1}" }`);
  }
  lines.push(
    'groups:',
    `  web: "cloud[1-${Math.min(4, hosts)}]"`,
    'services:',
    '  hub: { hosts: "@web", instances: 2, version: "1.0.0", command: [node, hub.js, --port, "{port}"] }',
  );
  return `${lines.join('\n')}\n`;
}

function parseRuns(argv: string[]): number {
  const i = argv.indexOf('--runs');
  const n = i >= 0 ? Number(argv[i + 1]) : 10;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error('--runs: expected a positive integer');
  }
  return n;
}

async function main(argv: string[]): Promise<number> {
  const runs = parseRuns(argv);
  const work = await mkdtemp(join(tmpdir(), 'salvo-bench-startup-'));
  try {
    const file = join(work, 'services.yaml');
    await writeFile(file, servicesFile(200));
    const cases: { name: string; argv: SpawnSpec['argv'] }[] = [
      { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
      { name: 'salvo --version', argv: [SALVO, '--version'] },
      { name: 'salvo check (200 hosts)', argv: [SALVO, '-s', file, 'check'] },
    ];
    // Caches of this run's own (V8 code cache): other salvo builds on the machine (worktrees,
    // installs) drop the user cache's files of another build, which made timed runs compile.
    const env = { XDG_CACHE_HOME: join(work, 'cache') };
    const walls = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let i = -1; i < runs; i++) {
      for (const c of cases) {
        const r = await timedSpawn({ argv: c.argv, cwd: work, env, timeoutMs: 60_000 });
        if (r.code !== 0) {
          throw new Error(`${c.name}: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
        }
        if (i >= 0) {
          walls.get(c.name)!.push(r.wallS); // run -1 is the untimed warm-up (caches filled)
        }
      }
    }
    const median = (name: string): number =>
      stats(walls.get(name)!.map((wallS) => ({ wallS, ok: true, load1: 0 }))).median ?? Number.NaN;
    const node = median('node -e 0');
    const targets: Target[] = ['salvo --version', 'salvo check (200 hosts)'].map((name) =>
      target({ what: `${name} vs node -e 0`, value: median(name) / node, limit: LIMIT, unit: '×' }),
    );
    for (const c of cases) {
      process.stdout.write(`${c.name.padEnd(26)} median ${median(c.name).toFixed(3)} s\n`);
    }
    for (const t of targets) {
      process.stdout.write(`${t.what}: ${t.value?.toFixed(2)}× (≤ ${LIMIT}×): ${t.verdict}\n`);
    }
    await writeRecord('startup', { runs, walls: Object.fromEntries(walls), targets });
    return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

runBench(main);
