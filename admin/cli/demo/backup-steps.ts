// Demo steps for distributed backups: the plan, then every host backing up its own /srv/data to
// two others at once, their freshness, and a re-hash of each snapshot against its manifest; once
// the ring runs, a Cassandra snapshot backed up the same way.
import type { DemoContext, Salvo, Step } from './context.js';

export function backupSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      await salvo(
        ctx,
        0,
        "backup plan from the lab's backup rules: each host's /srv/data to the next two hosts",
        'backup',
        'run',
        '--dry-run',
        'data',
      );
      await salvo(
        ctx,
        0,
        'distributed backup: every host pushes its own data over rsync+SSH, each series locked on its target, published atomically',
        'backup',
        'run',
        'data',
      );
      await salvo(
        ctx,
        0,
        'freshness of every series (exit 1 if one is stale)',
        'backup',
        'status',
        'data',
      );
      await salvo(
        ctx,
        0,
        'each snapshot hashed again on its target against the manifest written when it was published',
        'backup',
        'verify',
        'data',
      );
    },
  ];
}

/** Once the ring runs: one db node's Cassandra snapshot backed up to its two targets. */
export function cassandraBackupSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      await salvo(
        ctx,
        0,
        'a Cassandra backup: nodetool snapshot on cloud3, its SSTables pushed to two other hosts, the snapshot cleared',
        'backup',
        'run',
        'cassandra',
        '--series',
        'cassandra/cloud3',
      );
      await salvo(
        ctx,
        0,
        'both copies hashed again against their manifests',
        'backup',
        'verify',
        'cassandra/cloud3',
      );
    },
  ];
}
