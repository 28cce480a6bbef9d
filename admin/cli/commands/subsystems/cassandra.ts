// `salvo cassandra status|cql|repair|auth-init`: the Cassandra ring of the services file, through
// dep.cassandra (admin/deployment/subsystems/cassandra.ts). The library does the work; this file
// parses flags, calls it, writes what render/subsystems/cassandra.ts makes of the results, and
// picks exit codes.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { EXIT } from '../../../fleet/outcome.js';
import { UsageError } from '../../../errors.js';
import { parseDuration } from '../../parse-duration.js';
import { openDeployment } from '../services-path.js';

/** A scheduled repair that did not run because maintenance is on (distinct from failures). */
const SKIPPED_EXIT = 6;

export function registerCassandra(program: Command): void {
  const c = program
    .command('cassandra')
    .description('the Cassandra ring: status, cql, rolling repair, auth bootstrap');
  c.command('status')
    .description(
      "the ring from every node's point of view; exit 1 when a node is not UN or nodes disagree",
    )
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { renderRing } = await import('../../render/subsystems/cassandra.js');
      const dep = await openDeployment(cmd);
      try {
        const s = await dep.cassandra.status();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        } else {
          process.stdout.write(renderRing(s));
        }
        process.exitCode = s.allUp ? EXIT.ok : EXIT.failed;
      } finally {
        await dep.close();
      }
    });
  c.command('cql')
    .description(
      'run CQL through the driver as a user whose password is in secrets/ (cqlsh-like tables)',
    )
    .option('-e, --execute <statement>', 'the statement to run')
    .option('-f, --file <file>', 'run the statements of a file (split at ;)')
    .option('-u, --user <name>', 'log in as this user (default salvo_admin)', 'salvo_admin')
    .option('--json', 'print rows as JSON lines')
    .action(
      async (
        flags: { execute?: string; file?: string; user: string; json?: boolean },
        cmd: Command,
      ) => {
        const text = flags.execute ?? (flags.file ? await readFile(flags.file, 'utf8') : undefined);
        if (text === undefined) {
          throw new UsageError('cassandra cql: give -e STATEMENT or -f FILE');
        }
        const { renderCqlRows, renderCqlWarning } = await import(
          '../../render/subsystems/cassandra.js'
        );
        const dep = await openDeployment(cmd);
        const client = await dep.cassandra.client(flags.user);
        try {
          for (const st of text
            .split(/;\s*(?:\n|$)/)
            .map((x) => x.trim())
            .filter(Boolean)) {
            const r = await client.execute(st, [], { idempotent: /^\s*select\b/i.test(st) });
            for (const w of r.warnings) {
              process.stderr.write(renderCqlWarning(w));
            }
            if (flags.json) {
              for (const row of r.rows) {
                process.stdout.write(`${JSON.stringify(row)}\n`);
              }
            } else if (r.columns.length) {
              process.stdout.write(renderCqlRows(r.columns, r.rows));
            }
          }
        } finally {
          await client.close();
          await dep.close();
        }
      },
    );
  c.command('repair')
    .description(
      'nodetool repair -pr on one node at a time over the whole ring; journaled, resumable',
    )
    .option('-k, --keyspace <name>', 'repair this keyspace only (default: all)')
    .option('--full', 'full repair (-full) instead of incremental')
    .option('--force', 'start even when a node is not UN')
    .option('--resume <run>', 'continue the run with this id, skipping the nodes it finished')
    .option('--node-timeout <duration>', 'give up on a node after this long (default 6h)')
    .option(
      '--scheduled',
      `from cron: skip (exit ${SKIPPED_EXIT}) while the maintenance switch is on`,
    )
    .action(
      async (
        flags: {
          keyspace?: string;
          full?: boolean;
          force?: boolean;
          resume?: string;
          nodeTimeout?: string;
          scheduled?: boolean;
        },
        cmd: Command,
      ) => {
        const { renderRepair, renderRepairEvent } = await import(
          '../../render/subsystems/cassandra.js'
        );
        const dep = await openDeployment(cmd);
        try {
          const s = await dep.cassandra.repair({
            ...(flags.keyspace ? { keyspace: flags.keyspace } : {}),
            full: flags.full ?? false,
            scheduled: flags.scheduled ?? false,
            force: flags.force ?? false,
            ...(flags.resume ? { resume: flags.resume } : {}),
            ...(flags.nodeTimeout
              ? { nodeTimeoutMs: parseDuration(flags.nodeTimeout, '--node-timeout') }
              : {}),
            onEvent: (e) => {
              process.stderr.write(renderRepairEvent(e));
            },
          });
          process.stdout.write(renderRepair(s));
          if (s.skipped) {
            process.exitCode = SKIPPED_EXIT;
          } else if (s.failed) {
            process.exitCode = EXIT.failed;
          }
        } finally {
          await dep.close();
        }
      },
    );
  c.command('add-node')
    .description(
      'bootstrap new nodes (cassandra hosts of the services file not yet in the ring) one at a time: each UN and done streaming before the next starts',
    )
    .argument('<hosts...>', 'hosts or node sets, in bootstrap order')
    .option('--force', 'start even when a current member is not UN')
    .option(
      '--node-timeout <duration>',
      'give up on a node that has not joined after this long (default 6h)',
    )
    .action(
      async (hosts: string[], flags: { force?: boolean; nodeTimeout?: string }, cmd: Command) => {
        const { renderAddNodes, renderMemberEvent } = await import(
          '../../render/subsystems/cassandra.js'
        );
        const dep = await openDeployment(cmd);
        try {
          const s = await dep.cassandra.addNodes(hosts, {
            force: flags.force ?? false,
            ...(flags.nodeTimeout
              ? { nodeTimeoutMs: parseDuration(flags.nodeTimeout, '--node-timeout') }
              : {}),
            onEvent: (e) => process.stderr.write(renderMemberEvent(e)),
          });
          process.stdout.write(renderAddNodes(s));
        } finally {
          await dep.close();
        }
      },
    );
  c.command('remove-node')
    .description(
      'decommission a node (nodetool decommission), wait until the ring dropped it, stop it; refused when too few live replicas would be left',
    )
    .argument('<host>', 'the node to remove')
    .option('--node-timeout <duration>', 'give up on the decommission after this long (default 6h)')
    .action(async (host: string, flags: { nodeTimeout?: string }, cmd: Command) => {
      const { renderMemberEvent, renderRemoveNode } = await import(
        '../../render/subsystems/cassandra.js'
      );
      const dep = await openDeployment(cmd);
      try {
        const s = await dep.cassandra.removeNode(host, {
          ...(flags.nodeTimeout
            ? { nodeTimeoutMs: parseDuration(flags.nodeTimeout, '--node-timeout') }
            : {}),
          onEvent: (e) => process.stderr.write(renderMemberEvent(e)),
        });
        process.stdout.write(renderRemoveNode(s));
      } finally {
        await dep.close();
      }
    });
  c.command('replication')
    .description(
      'change how many nodes hold each piece of a keyspace (ALTER KEYSPACE), then run a full rolling repair of it',
    )
    .argument('<keyspace>', 'the keyspace')
    .option('--rf <n>', 'SimpleStrategy with this replication factor')
    .option(
      '--dc <dc:n>',
      'NetworkTopologyStrategy: this datacenter gets n replicas (repeat per datacenter)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--force', 'go on even when a node is not UN')
    .option('--node-timeout <duration>', 'per-node repair timeout (default 6h)')
    .action(
      async (
        keyspace: string,
        flags: { rf?: string; dc: string[]; force?: boolean; nodeTimeout?: string },
        cmd: Command,
      ) => {
        if ((flags.rf === undefined) === (flags.dc.length === 0)) {
          throw new UsageError('cassandra replication: give --rf N or one or more --dc DC:N');
        }
        const dcs: Record<string, number> = {};
        for (const d of flags.dc) {
          const m = /^([^:\s]+):(\d+)$/.exec(d);
          if (!m) {
            throw new UsageError(
              `cassandra replication: --dc ${JSON.stringify(d)}: expected DC:N, e.g. dc1:3`,
            );
          }
          dcs[m[1]!] = Number(m[2]);
        }
        const rf = flags.rf === undefined ? undefined : Number(flags.rf);
        if (rf !== undefined && !/^\d+$/.test(flags.rf!)) {
          throw new UsageError(
            `cassandra replication: --rf ${JSON.stringify(flags.rf)}: expected a whole number`,
          );
        }
        const { renderReplication, renderReplicationEvent } = await import(
          '../../render/subsystems/cassandra.js'
        );
        const dep = await openDeployment(cmd);
        try {
          const r = await dep.cassandra.setReplication(keyspace, {
            ...(rf !== undefined ? { rf } : { dcs }),
            force: flags.force ?? false,
            ...(flags.nodeTimeout
              ? { nodeTimeoutMs: parseDuration(flags.nodeTimeout, '--node-timeout') }
              : {}),
            onEvent: (e) => process.stderr.write(renderReplicationEvent(e)),
          });
          process.stdout.write(renderReplication(r));
          if (r.repair.failed) {
            process.exitCode = EXIT.failed;
          }
        } finally {
          await dep.close();
        }
      },
    );
  c.command('auth-init')
    .description(
      'PasswordAuthenticator bootstrap: superuser and service users from secrets/, system_auth raised, default user dropped',
    )
    .option('--superuser <name>', 'the superuser to create (default salvo_admin)')
    .action(async (flags: { superuser?: string }, cmd: Command) => {
      const { renderAuthInit, renderAuthStep } = await import(
        '../../render/subsystems/cassandra.js'
      );
      const dep = await openDeployment(cmd);
      try {
        const r = await dep.cassandra.authInit({
          ...(flags.superuser ? { superuser: flags.superuser } : {}),
          onStep: (s, d) => process.stderr.write(renderAuthStep(s, d)),
        });
        process.stdout.write(renderAuthInit(r, dep.cassandra.secretsDir()));
      } finally {
        await dep.close();
      }
    });
}
