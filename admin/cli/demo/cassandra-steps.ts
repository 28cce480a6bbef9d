// Demo steps for Cassandra: the simulated ring (started with everything by the rollout steps)
// from every node's view, the auth bootstrap, the compute_servers table synced from the services
// file, the lab hub placing projects only on hosts whose status is on, and a short rolling
// repair, one node at a time.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labVariant, type DemoContext, type Salvo, type Step } from './context.js';

/** The lab's services file with compute_servers statuses (the wanted state `sync` writes). */
function computeServersFile(ctx: DemoContext): Promise<string> {
  return labVariant(
    ctx,
    'compute',
    [
      '# Which hosts take new projects (docs/cassandra.md): on, no-new, off.',
      'compute_servers: { "cloud[3-4]": "on", cloud5: "no-new" }',
    ],
    'a compute_servers section',
  );
}

export function cassandraSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      await salvo(
        ctx,
        0,
        "the Cassandra ring (the lab's CQL simulator on cloud[3-5]) from every node's point of view",
        'cassandra',
        'status',
      );
      await salvo(
        ctx,
        0,
        'auth bootstrap: system_auth replicated and repaired, superuser and service users with random passwords in secrets/, default user dropped',
        'cassandra',
        'auth-init',
      );
      await salvo(
        ctx,
        0,
        "the app's keyspace and its placements table, through the driver as the new superuser",
        'cassandra',
        'cql',
        '-e',
        "CREATE KEYSPACE IF NOT EXISTS smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};\nCREATE TABLE IF NOT EXISTS smc.placements (project text PRIMARY KEY, host text, placed timestamp)",
      );
    },
    async (ctx) => {
      const s = ['-s', await computeServersFile(ctx)];
      await salvo(
        ctx,
        0,
        'compute_servers: the plan first',
        ...s,
        'compute-servers',
        'sync',
        '--dry-run',
      );
      await salvo(
        ctx,
        0,
        'then written (under the operator lock)',
        ...s,
        'compute-servers',
        'sync',
      );
      await salvo(ctx, 0, 'the table', ...s, 'compute-servers', 'list');
      await salvo(
        ctx,
        0,
        'the lab hub places new projects from that table: only on hosts whose status is on',
        'exec',
        'cloud1',
        '--',
        'for p in demo1 demo2 demo3; do curl -fsS -X POST "http://127.0.0.1:5000/projects?id=$p"; done',
      );
      await salvo(
        ctx,
        0,
        'no new projects on cloud3 from now on',
        ...s,
        'compute-servers',
        'set',
        'cloud3',
        'no-new',
      );
      await salvo(
        ctx,
        0,
        'a new project goes to cloud4; the ones already on cloud3 stay there',
        'exec',
        'cloud1',
        '--',
        'for p in demo4 demo1; do curl -fsS -X POST "http://127.0.0.1:5000/projects?id=$p"; done',
      );
    },
    async (ctx) => {
      await salvo(ctx, 0, 'the ring again: all UN, every node agrees', 'cassandra', 'status');
      await salvo(
        ctx,
        0,
        'a rolling repair: nodetool repair -pr on one node at a time, journaled, resumable',
        'cassandra',
        'repair',
        '-k',
        'smc',
      );
    },
  ];
}
