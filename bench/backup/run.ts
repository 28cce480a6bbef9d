// Backups against plain rsync over SSH (issue 13, item 10), on a lab of 2 (cloud1 backs up to
// cloud2), the same data, the same hosts, the same key, in one run:
// - full: a new series (salvo backup run) vs `rsync -aH --numeric-ids -R` into an empty directory;
// - incremental: 1 % of the files rewritten before each pair, salvo (hard-linked against its
//   latest snapshot) vs rsync `--link-dest` against the previous plain copy;
// - per-run overhead (lock, holder, manifest, durability, two-phase publish, the snapshot list
//   for the prune; keys only when a target refuses them): salvo vs rsync on one small file.
// Both sides are timed from the admin host through one warm library Deployment (one SSH exec to
// cloud1 each), so the difference is Salvo's own work. Throughput ratio = rsync time ÷ salvo time
// (target ≥ 0.9). Needs root (network namespaces).
//   node dist/bench/backup/run.js [--mib 64] [--files 256] [--runs 3]
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILE, KNOWN_HOSTS_FILE } from '../../admin/backup/remote/source.js';
import { Deployment } from '../../admin/deployment/index.js';
import { labDown, labUp } from '../../admin/lab/index.js';
import { cmd, quote } from '../../admin/transport/command.js';
import { runBench, writeRecord } from '../suite/record.js';
import { target } from '../suite/targets.js';

interface Options {
  mib: number;
  files: number;
  runs: number;
}

const USAGE = `usage: node dist/bench/backup/run.js [--mib 64] [--files 256] [--runs 3]
  --mib N     data on the source (default 64 MiB), in --files equal files of random bytes
  --files N   how many files (default 256); the incremental runs rewrite 1 % of them
  --runs N    timed pairs (salvo, then plain rsync) of each kind (default 3); medians compared
Needs root (a lab of 2 in network namespaces). Writes bench/results/backup-TIME.json; exit 0
only when both ratios are >= 0.9. Run it with nice -n -10 and read the load it records.`;

function parse(argv: string[]): Options {
  const o: Options = { mib: 64, files: 256, runs: 3 };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], Number(argv[i + 1])];
    if (!(value > 0) || !['--mib', '--files', '--runs'].includes(flag ?? '')) {
      throw new Error(`${USAGE}\n(got ${flag})`);
    }
    o[flag!.slice(2) as keyof Options] = value;
  }
  return o;
}

const RULES = `root: /srv/backup
sets:
  bench: { hosts: cloud1, targets: cloud2, paths: [/srv/bench], retention: { last: 1000 } }
  tiny: { hosts: cloud1, targets: cloud2, paths: [/srv/tiny], retention: { last: 1000 } }
`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const say = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function main(argv: string[]): Promise<number> {
  const o = parse(argv);
  const dir = await mkdtemp(join(tmpdir(), 'salvo-bench-backup-'));
  const lab = await labUp({ hosts: 2, dir });
  try {
    await writeFile(join(lab.dir, 'bench-rules.yaml'), RULES);
    const services = join(lab.dir, 'services-bench.yaml');
    await writeFile(
      services,
      `${(await readFile(lab.servicesFile, 'utf8')).replace(/^backup:.*\n/m, '')}backup: { rules: ./bench-rules.yaml }\n`,
    );
    const dep = await Deployment.open(services);
    try {
      return await measure(dep, o);
    } finally {
      await dep.close();
    }
  } finally {
    await labDown(dir);
  }
}

async function measure(dep: Deployment, o: Options): Promise<number> {
  const on = async (host: string, script: string): Promise<string> => {
    const [r] = await dep.exec([host], cmd('sh', '-c', script), { timeoutMs: 1_800_000 });
    if (r!.exitCode !== 0) {
      throw new Error(
        `${host}: ${script.slice(0, 80)}…: ${r!.stderr.trim() || r!.failure?.message}`,
      );
    }
    return r!.stdout.trim();
  };
  const kib = Math.max(1, Math.round((o.mib * 1024) / o.files));
  await on(
    'cloud1',
    `rm -rf /srv/bench /srv/tiny && mkdir -p /srv/bench /srv/tiny && i=0; while [ $i -lt ${o.files} ]; do head -c ${kib}K /dev/urandom > /srv/bench/f$i; i=$((i + 1)); done; echo x > /srv/tiny/one`,
  );
  // Each timed run starts with the target's dirty pages written out (untimed): salvo's snapshot
  // is on disk before it is published (one syncfs), and must not also pay for writing out the
  // copy plain rsync left in the page cache just before.
  const timed = async (f: () => Promise<void>): Promise<number> => {
    await on('cloud2', 'sync');
    const t = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const salvo = (set: string) => async (): Promise<void> => {
    const r = await dep.backup.run({ set, prune: true });
    const bad = r.results.filter((x) => x.status !== 'ok');
    if (bad.length || !r.results.length) {
      throw new Error(`backup run ${set}: ${JSON.stringify(bad)}`);
    }
  };
  // Plain rsync from cloud1 to cloud2 with the key and known_hosts Salvo set up (first run).
  await salvo('tiny')();
  const addr = dep.inventory.hosts.get('cloud2')!.address!;
  const ssh = `ssh -i ${KEY_FILE} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${KNOWN_HOSTS_FILE}`;
  const rsync = (path: string, to: string, linkDest?: string) => async (): Promise<void> => {
    await on(
      'cloud1',
      `rsync -aH --numeric-ids -R ${linkDest ? `--link-dest=${quote(linkDest)}` : ''} -e ${quote(ssh)} ${path} ${addr}:${to}/`,
    );
  };
  const fresh = (path: string) => on('cloud2', `rm -rf ${path} && mkdir -p /srv/plain`);
  const full = { salvo: [] as number[], rsync: [] as number[] };
  const inc = { salvo: [] as number[], rsync: [] as number[] };
  const tiny = { salvo: [] as number[], rsync: [] as number[] };
  const changed = Math.max(1, Math.round(o.files / 100));
  let prev = '';
  for (let i = 0; i < o.runs; i++) {
    await fresh('/srv/backup/lab/bench');
    full.salvo.push(await timed(salvo('bench')));
    await fresh('/srv/plain');
    full.rsync.push(await timed(rsync('/srv/bench', '/srv/plain/full')));
    prev = '/srv/plain/full';
    say(
      `full ${i + 1}: salvo ${full.salvo.at(-1)!.toFixed(2)} s, rsync ${full.rsync.at(-1)!.toFixed(2)} s`,
    );
  }
  for (let i = 0; i < o.runs; i++) {
    // 1 % of the files rewritten; salvo's latest and the previous plain copy both lack exactly those.
    await on(
      'cloud1',
      `i=0; while [ $i -lt ${changed} ]; do head -c ${kib}K /dev/urandom > /srv/bench/f$(( (i * 97 + ${i * 13}) % ${o.files} )); i=$((i + 1)); done`,
    );
    inc.salvo.push(await timed(salvo('bench')));
    const next = `/srv/plain/inc${i}`;
    inc.rsync.push(await timed(rsync('/srv/bench', next, prev)));
    prev = next;
    say(
      `incremental ${i + 1}: salvo ${inc.salvo.at(-1)!.toFixed(2)} s, rsync --link-dest ${inc.rsync.at(-1)!.toFixed(2)} s`,
    );
  }
  for (let i = 0; i < o.runs; i++) {
    tiny.salvo.push(await timed(salvo('tiny')));
    tiny.rsync.push(await timed(rsync('/srv/tiny', `/srv/plain/tiny${i}`)));
  }
  const ratio = (x: { salvo: number[]; rsync: number[] }): number =>
    Math.round((median(x.rsync) / median(x.salvo)) * 100) / 100;
  const overheadMs = Math.round((median(tiny.salvo) - median(tiny.rsync)) * 1000);
  const targets = [
    target({
      what: `backup run throughput, full (${o.mib} MiB, ${o.files} files) ≥ 0.9× plain rsync over SSH`,
      value: ratio(full),
      limit: 0.9,
      unit: '×',
      direction: 'min',
      against: 'rsync -aH over ssh',
    }),
    target({
      what: `backup run throughput, 1 % changed ≥ 0.9× plain rsync --link-dest`,
      value: ratio(inc),
      limit: 0.9,
      unit: '×',
      direction: 'min',
      against: 'rsync -aH --link-dest over ssh',
    }),
  ];
  for (const t of targets) {
    say(`${t.verdict}  ${t.what}: ${t.value}`);
  }
  say(`per-run overhead (one small file): ${overheadMs} ms over plain rsync`);
  await writeRecord('backup', {
    mib: o.mib,
    files: o.files,
    runs: o.runs,
    seconds: { full, incremental: inc, tiny },
    overheadMs,
    targets,
  });
  return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
}

runBench(main);
