// `salvo backup run|list|status|verify|restore|prune|cron` — distributed rsync backups
// (docs/backup.md). The command parses flags, calls dep.backup.*, renders, picks the exit code.
import type { Command } from 'commander';
import type { DeploymentEvent } from '../../../deployment/events.js';
import { UsageError } from '../../../errors.js';
import { EXIT } from '../../../fleet/outcome.js';
import { withInterrupt } from '../../interrupt.js';
import { parseDuration } from '../../parse-duration.js';
import { openDeployment } from '../services-path.js';

/** A run that found a series locked by another run, and nothing worse (EX_TEMPFAIL). */
export const EXIT_LOCKED = 75;
/** A scheduled run (--scheduled) skipped because maintenance is on; the cron script's code too. */
export const EXIT_MAINTENANCE = 6;

interface Flags {
  hosts?: string;
  series?: string;
  waitLock?: string | true;
  scheduled?: boolean;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
  prune?: boolean;
  snapshot?: string;
  to?: string;
  apply?: boolean;
  from?: string;
  delete?: boolean;
}

const EXAMPLES: Record<string, string[]> = {
  backup: ['salvo backup run', 'salvo backup status', 'salvo backup list srv'],
  run: [
    'salvo backup run --dry-run',
    "salvo backup run srv -H 'cloud[1-3]' --wait-lock 10m",
    'salvo backup run --json',
    'salvo backup run --scheduled   from cron: exit 6 while maintenance is on',
  ],
  list: ['salvo backup list', 'salvo backup list srv --series srv/cloud1'],
  status: [
    'salvo backup status',
    'salvo backup status --json   from monitoring: exit 1 when stale',
  ],
  verify: [
    'salvo backup verify',
    'salvo backup verify srv/cloud1@cloud2 --snapshot 2026-12-02T031700Z',
  ],
  restore: [
    'salvo backup restore srv/cloud1 --to cloud1:/   dry run: what would change',
    'salvo backup restore srv/cloud1@cloud3 2026-12-01T031700Z --to cloud1:/tmp/r --apply',
  ],
  prune: ['salvo backup prune --dry-run', 'salvo backup prune srv'],
  cron: [
    'salvo backup cron install',
    'salvo backup cron show -H cloud1',
    'salvo backup cron remove',
  ],
};

function examples(c: Command, key: string): Command {
  return c.addHelpText('after', `\nExamples:\n${EXAMPLES[key]!.map((l) => `  ${l}`).join('\n')}`);
}

export function registerBackup(program: Command): void {
  const backup = examples(
    program
      .command('backup')
      .description('distributed rsync backups: each node pushes its own data to other nodes'),
    'backup',
  );
  const select = (c: Command): Command =>
    c
      .option('-H, --hosts <nodeset>', 'only series whose source is one of these hosts')
      .option('--series <id>', 'only this series: SET/SOURCE or SET/SOURCE@TARGET')
      .option('--json', 'print the result as JSON');

  examples(
    select(backup.command('run').argument('[set]', 'only this set of the rules'))
      .description(
        'back up now: each source pushes new dated snapshots to its targets (exit 75: a series was locked)',
      )
      .option(
        '--wait-lock [duration]',
        'wait for a locked series this long (default 1h) instead of exit 75',
      )
      .option('--dry-run', 'print the plan, contact no host')
      .option('-f, --concurrency <n>', 'source nodes in flight at once (default 8)')
      .option('--no-prune', 'skip retention afterwards')
      .option(
        '--scheduled',
        'a run from cron: skip (exit 6) while `salvo maintenance on` is in force',
      )
      .action(act('run')),
    'run',
  );
  examples(
    select(backup.command('list').argument('[set]', 'only this set'))
      .description('series, their snapshots (age, files, size) and who holds a lock now')
      .action(act('list')),
    'list',
  );
  examples(
    select(backup.command('status').argument('[set]', 'only this set'))
      .description(
        'freshness of each series against its max_age; exit 1 if any is stale or unreadable',
      )
      .action(act('status')),
    'status',
  );
  examples(
    select(
      backup.command('verify').argument('[series]', 'a set, or SET/SOURCE[@TARGET] (default: all)'),
    )
      .description(
        're-hash a snapshot on its target against its manifest: missing, changed, extra files',
      )
      .option('--snapshot <name>', 'this snapshot (default: the latest)')
      .action(act('verify')),
    'verify',
  );
  examples(
    backup
      .command('restore')
      .argument('<series>', 'SET/SOURCE or SET/SOURCE@TARGET (which copy)')
      .argument('[snapshot]', 'default: the latest')
      .requiredOption(
        '--to <host:path>',
        'where the snapshot tree goes (its paths are absolute under it)',
      )
      .option('--apply', 'do it (default: a dry run listing what would change)')
      .option('--from <target>', 'restore from the copy on this target')
      .option('--delete', 'also delete files under the path that the snapshot does not have')
      .option('--json', 'print the result as JSON')
      .description('copy a snapshot back to a host (dry run unless --apply)')
      .action(act('restore')),
    'restore',
  );
  examples(
    select(backup.command('prune').argument('[set]', 'only this set'))
      .description('apply retention; the newest complete snapshot of a series is never removed')
      .option('--dry-run', 'show what would be removed')
      .action(act('prune')),
    'prune',
  );
  examples(
    backup
      .command('cron')
      .argument('<action>', 'install, remove or show')
      .option('-H, --hosts <nodeset>', 'only these source nodes')
      .option('--dry-run', 'install: show the cron files, write nothing')
      .option('--json', 'print the result as JSON')
      .description('the backup schedule on each source node: a cron file and the backup script')
      .action(act('cron')),
    'cron',
  );
}

type Verb = 'run' | 'list' | 'status' | 'verify' | 'restore' | 'prune' | 'cron';

function act(verb: Verb) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const flags = args[args.length - 2] as Flags;
    const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
    process.exitCode = await runBackupCommand(cmd, verb, positional, flags);
  };
}

async function runBackupCommand(
  cmd: Command,
  verb: Verb,
  args: string[],
  flags: Flags,
): Promise<number> {
  const r = await import('../../render/subsystems/backup.js');
  const dep = await openDeployment(cmd);
  const out = (t: string): boolean => process.stdout.write(t);
  const json = (v: unknown): boolean => out(`${JSON.stringify(v, null, 2)}\n`);
  try {
    return await withInterrupt(async (signal) => {
      const onEvent = (d: DeploymentEvent): void => {
        if (!flags.json && d.source === 'backup' && verb === 'run') {
          process.stderr.write(r.renderBackupEvent(d.event));
        }
      };
      const sel = {
        signal,
        onEvent,
        ...(flags.hosts !== undefined ? { hosts: flags.hosts } : {}),
      };
      const withSet = args[0] !== undefined ? { ...sel, set: args[0] } : sel;
      const withSeries =
        flags.series !== undefined ? { ...withSet, series: flags.series } : withSet;
      switch (verb) {
        case 'run': {
          const res = await dep.backup.run({
            ...withSeries,
            dryRun: !!flags.dryRun,
            prune: flags.prune !== false,
            ...(flags.waitLock !== undefined
              ? {
                  waitLock:
                    flags.waitLock === true
                      ? 3_600_000
                      : parseDuration(flags.waitLock, '--wait-lock'),
                }
              : {}),
            ...(flags.concurrency !== undefined ? { concurrency: count(flags.concurrency) } : {}),
            ...(flags.scheduled ? { scheduled: true } : {}),
          });
          if (res.skipped) {
            flags.json ? json(res) : out(r.renderRun(res));
            return EXIT_MAINTENANCE;
          }
          flags.json ? json(res) : out(r.renderRun(res));
          if (signal.aborted) {
            return EXIT.aborted;
          }
          return runExitCode(res.results.map((x) => x.status));
        }
        case 'list': {
          const res = await dep.backup.list(withSeries);
          flags.json ? json(res) : out(r.renderList(res));
          return res.series.some((s) => s.error) ? EXIT.unreachable : EXIT.ok;
        }
        case 'status': {
          const res = await dep.backup.status(withSeries);
          flags.json ? json(res) : out(r.renderStatus(res));
          return res.stale.length ? EXIT.failed : EXIT.ok;
        }
        case 'verify': {
          // A bare word is a set (`verify data`); SET/SOURCE[@TARGET] is a series.
          const which = args[0];
          let only = {};
          if (which !== undefined) {
            only = which.includes('/') ? { series: which } : { set: which };
          }
          const res = await dep.backup.verify({
            ...sel,
            ...only,
            ...(flags.snapshot !== undefined ? { snapshot: flags.snapshot } : {}),
          });
          flags.json ? json(res) : out(r.renderVerify(res));
          return res.ok ? EXIT.ok : EXIT.failed;
        }
        case 'restore': {
          const res = await dep.backup.restore(args[0]!, {
            signal,
            to: flags.to!,
            apply: !!flags.apply,
            delete: !!flags.delete,
            ...(args[1] !== undefined ? { snapshot: args[1] } : {}),
            ...(flags.from !== undefined ? { from: flags.from } : {}),
          });
          flags.json ? json(res) : out(r.renderRestore(res));
          return EXIT.ok;
        }
        case 'prune': {
          const res = await dep.backup.prune({ ...withSeries, dryRun: !!flags.dryRun });
          flags.json ? json(res) : out(r.renderPrune(res));
          return res.reports.some((x) => x.skipped && x.skipped !== 'no such series')
            ? EXIT.failed
            : EXIT.ok;
        }
        case 'cron': {
          const action = args[0] as 'install' | 'remove' | 'show';
          const res = await dep.backup.cron(action, { ...sel, dryRun: !!flags.dryRun });
          flags.json ? json(res) : out(r.renderCron(res));
          return res.hosts.some((h) => h.state === 'failed') ? EXIT.failed : EXIT.ok;
        }
      }
    });
  } finally {
    await dep.close({ wait: false });
  }
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--concurrency: expected a whole number ≥ 1, got "${text}"`);
  }
  return n;
}

/** The worst outcome decides: failed 1, unreachable 3, locked 75, else 0. */
export function runExitCode(statuses: string[]): number {
  const has = (st: string): boolean => statuses.includes(st);
  if (has('failed') || has('aborted')) {
    return EXIT.failed;
  }
  if (has('unreachable')) {
    return EXIT.unreachable;
  }
  return has('locked') ? EXIT_LOCKED : EXIT.ok;
}
