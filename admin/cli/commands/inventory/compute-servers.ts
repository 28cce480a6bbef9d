// `salvo compute-servers list|sync|set`: the compute_servers table (which hosts take new
// projects) against the services file's compute_servers map, through dep.cassandra.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { openDeployment } from '../services-path.js';

export function registerComputeServers(program: Command): void {
  const c = program
    .command('compute-servers')
    .description('the compute_servers table: on (new projects), no-new (keep running ones), off');
  c.command('list')
    .description('the table as it is')
    .option('--json', 'print the rows as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const rows = await dep.cassandra.computeServers();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const w = Math.max(4, ...rows.map((r) => r.host.length));
        process.stdout.write(
          `${'HOST'.padEnd(w)}  STATUS  UPDATED\n${rows.map((r) => `${r.host.padEnd(w)}  ${r.status.padEnd(6)}  ${r.updated?.toISOString() ?? '-'}\n`).join('')}`,
        );
      } finally {
        await dep.close();
      }
    });
  c.command('sync')
    .description("write the services file's statuses into the table (prints the plan first)")
    .option('--dry-run', 'print the plan, change nothing')
    .option('--json', 'print the plan as JSON')
    .action(async (flags: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const plan = await dep.cassandra.syncComputeServers({ dryRun: flags.dryRun ?? false });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
          return;
        }
        for (const ch of plan.changes) {
          process.stdout.write(`${ch.host}: ${ch.from ?? '(none)'} -> ${ch.to}\n`);
        }
        for (const h of plan.unknown) {
          process.stdout.write(`${h}: in the table but not in the services file (left alone)\n`);
        }
        process.stdout.write(
          `${plan.changes.length} change(s)${flags.dryRun ? ' planned (dry run)' : ''}, ${plan.unchanged.length} unchanged\n`,
        );
      } finally {
        await dep.close();
      }
    });
  c.command('set')
    .description('set one host by hand (until the next sync)')
    .argument('<host>', 'a host of the services file')
    .argument('<status>', 'on, no-new or off')
    .action(async (host: string, status: string, _flags: object, cmd: Command) => {
      if (!['on', 'no-new', 'off'].includes(status)) {
        throw new UsageError(
          `compute-servers set: status must be on, no-new or off, not "${status}"`,
        );
      }
      const dep = await openDeployment(cmd);
      try {
        if (!dep.inventory.hosts.has(host)) {
          throw new UsageError(`compute-servers set: ${host} is not a host of ${dep.file}`);
        }
        await dep.cassandra.setComputeServer(host, status);
        process.stdout.write(`${host}: ${status}\n`);
      } finally {
        await dep.close();
      }
    });
}
