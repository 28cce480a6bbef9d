// Cassandra operations on a 5-node ring of the lab's CQL simulator (root: network namespaces):
// 1. rolling repair with a fixed per-node repair time (the simulator's `salvo-repair {"ms": T}`):
//    Salvo's overhead per node = (wall time of dep.cassandra.repair − 5 × T) / 5, everything
//    included (the all-UN check on every node, SSH, the nodetool stand-in's start, the journal);
//    target ≤ 0.5 s;
// 2. client recovery after an outage: a long-lived client (admin/cassandra/client.ts) keeps
//    reading while the whole ring is stopped and started again; the outage ends when a FRESH
//    client first reads; recovery = the long-lived client's first good read after that.
//    Target ≤ the reconnection policy's longest delay (reconnectMaxMs) + 1 s.
//   node dist/bench/cassandra/run.js [--repair-ms 2000] [--runs 3]
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CassandraClient } from '../../admin/cassandra/index.js';
import { Deployment } from '../../admin/deployment/deployment.js';
import { labDown, labUp, type Lab } from '../../admin/lab/index.js';
import { cmd } from '../../admin/transport/command.js';
import { runBench, writeRecord } from '../suite/record.js';
import { type Target, target } from '../suite/targets.js';

const NODES = 5;
const OVERHEAD_LIMIT_S = 0.5;
const RECONNECT_MAX_MS = 5000; // the client's default reconnectMaxMs (docs/cassandra.md)

function numberArg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  const n = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isFinite(n) || n < 1) {
    throw new Error(`${name}: expected a positive number`);
  }
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The lab's services file with the ring on all 5 hosts. */
async function ringFile(lab: Lab): Promise<string> {
  const ring = lab.hosts.map((h) => h.address).join(',');
  const text = (await readFile(lab.servicesFile, 'utf8'))
    .replace(/^(\s+hosts: )"@db"$/m, `$1"cloud[1-${NODES}]"`)
    .replace(/"--ring", "[^"]*"/, `"--ring", "${ring}"`);
  const file = join(lab.dir, 'services-ring5.yaml');
  await writeFile(file, text);
  return file;
}

async function waitAllUn(dep: Deployment): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const s = await dep.cassandra.status();
    if (s.allUp && s.ring.length === NODES) {
      return;
    }
    await sleep(200);
  }
  throw new Error('the ring did not come up (5 UN)');
}

async function repairRun(dep: Deployment, repairMs: number) {
  const t0 = Date.now();
  const s = await dep.cassandra.repair({ keyspace: 'bench' });
  const wallS = (Date.now() - t0) / 1000;
  if (s.failed || s.done.length !== NODES) {
    throw new Error(`repair failed: ${s.failed?.host}: ${s.failed?.error}`);
  }
  return {
    wallS,
    overheadPerNodeS: (wallS - (NODES * repairMs) / 1000) / NODES,
    nodeS: s.done.map((d) => d.durationMs / 1000),
  };
}

async function recoveryRun(dep: Deployment): Promise<number> {
  const client = await dep.cassandra.client('salvo_admin');
  const read = (c: CassandraClient) =>
    c.execute('SELECT v FROM bench.t WHERE k = ?', [1]).then(
      () => true,
      () => false,
    );
  try {
    if (!(await read(client))) {
      throw new Error('the client cannot read before the outage');
    }
    const stop = await dep.stop('cassandra');
    if (stop.failures.length) {
      throw new Error(`stop: ${stop.failures.map((f) => f.reason).join('; ')}`);
    }
    let clientOkAt = 0;
    let freshOkAt = 0;
    let stopLoops = false;
    const clientLoop = (async () => {
      while (!stopLoops) {
        if ((await read(client)) && clientOkAt === 0 && freshOkAt !== 0) {
          clientOkAt = Date.now();
        }
        await sleep(20);
      }
    })();
    await sleep(3000); // the outage: the long-lived client fails meanwhile
    const start = dep.start('cassandra', { wait: false });
    const freshLoop = (async () => {
      while (freshOkAt === 0) {
        const fresh = await dep.cassandra.client('salvo_admin', { retries: 0 });
        if (await read(fresh)) {
          freshOkAt = Date.now();
        }
        await fresh.close();
        await sleep(20);
      }
    })();
    await freshLoop;
    while (clientOkAt === 0 && Date.now() - freshOkAt < 60_000) {
      await sleep(20);
    }
    stopLoops = true;
    await clientLoop;
    await start;
    await waitAllUn(dep);
    if (clientOkAt === 0) {
      throw new Error('the long-lived client did not recover within 60 s');
    }
    return (clientOkAt - freshOkAt) / 1000;
  } finally {
    await client.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const repairMs = numberArg(argv, '--repair-ms', 2000);
  const runs = numberArg(argv, '--runs', 3);
  const dir = await mkdtemp(join(tmpdir(), 'salvo-bench-cassandra-'));
  const lab = await labUp({ hosts: NODES, dir });
  try {
    const dep = await Deployment.open(await ringFile(lab));
    try {
      const started = await dep.start('cassandra');
      if (started.failures.length) {
        throw new Error(`start: ${started.failures.map((f) => f.reason).join('; ')}`);
      }
      await waitAllUn(dep);
      await dep.cassandra.authInit();
      const admin = await dep.cassandra.client('salvo_admin');
      try {
        await admin.execute(
          "CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
        );
        await admin.execute('CREATE TABLE IF NOT EXISTS bench.t (k int PRIMARY KEY, v text)');
        for (let k = 1; k <= 50; k++) {
          await admin.execute('INSERT INTO bench.t (k, v) VALUES (?, ?)', [k, `v${k}`]);
        }
      } finally {
        await admin.close();
      }
      const spec = dep.inventory.services.get('cassandra')!;
      for (const n of spec.hosts) {
        const nodetool = (spec.options.nodetool as string[]).map((a) =>
          a.replace('{address}', dep.inventory.hosts.get(n)!.address).replace('{version}', '4.1.5'),
        );
        const [r] = await dep.exec(
          [n],
          cmd(...nodetool, 'salvo-repair', JSON.stringify({ ms: repairMs })),
        );
        if (!r!.ok) {
          throw new Error(`${n}: salvo-repair: ${r!.stderr}`);
        }
      }
      const repairs = [];
      for (let i = 0; i < runs; i++) {
        const r = await repairRun(dep, repairMs);
        process.stdout.write(
          `repair ${i + 1}: ${r.wallS.toFixed(2)} s for ${NODES} nodes × ${repairMs} ms; overhead ${r.overheadPerNodeS.toFixed(3)} s/node\n`,
        );
        repairs.push(r);
      }
      const recoveries: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = await recoveryRun(dep);
        process.stdout.write(
          `outage ${i + 1}: client recovered ${s.toFixed(3)} s after the ring could serve again\n`,
        );
        recoveries.push(s);
      }
      const targets: Target[] = [
        target({
          what: `rolling repair, Salvo overhead per node (${NODES} nodes, ${repairMs} ms each)`,
          n: NODES,
          value: median(repairs.map((r) => r.overheadPerNodeS)),
          limit: OVERHEAD_LIMIT_S,
          unit: 's',
        }),
        target({
          what: 'client recovery after an outage ends (≤ reconnectMaxMs + 1 s)',
          n: NODES,
          value: Math.max(...recoveries),
          limit: RECONNECT_MAX_MS / 1000 + 1,
          unit: 's',
        }),
      ];
      for (const t of targets) {
        process.stdout.write(
          `${t.what}: ${t.value?.toFixed(3)} ${t.unit} (≤ ${t.limit}): ${t.verdict}\n`,
        );
      }
      await writeRecord('cassandra', { repairMs, runs, repairs, recoveries, targets });
      return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
    } finally {
      await dep.close();
    }
  } finally {
    await labDown(dir);
  }
}

runBench(main);
