// `salvo copy NODESET SRC… DEST` (clush --copy, pdcp) and `salvo gather NODESET REMOTE… LOCALDIR`
// (clush --rcopy, rpdcp): files and trees by rsync over the connection or SFTP, modes and times
// kept, hosts in parallel.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import type { DeploymentEvent } from '../../../deployment/events.js';
import type { TransferCallOptions } from '../../../deployment/deployment.js';
import type { ExecResult } from '../../../deployment/results.js';
import { exitCodeOf } from '../../../fleet/outcome.js';
import { renderFoldedApart, renderSummary, jsonLine } from '../../render/exec/results.js';
import { withInterrupt } from '../../interrupt.js';
import { servicesFlag, openDeployment } from '../services-path.js';

interface Flags {
  fanout?: string;
  json?: boolean;
  dryRun?: boolean;
  user?: string;
  verbose?: boolean;
  via?: string;
}

const EXIT_TEXT =
  '\nExit codes: 0 all ok, 1 some copy failed, 2 usage/config error,\n3 some host unreachable, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).';

function common(c: Command): Command {
  return c
    .option('-f, --fanout <n>', 'hosts in flight at once (default: ssh.concurrency, 64)')
    .option('-l, --user <user>', 'log in as this user (over the services file and ssh_config)')
    .option('--dry-run', 'say per host what would be copied; contact no host')
    .option('--json', 'one JSON object per host on stdout, as each finishes')
    .option(
      '-v, --verbose',
      'on stderr, per host: connection notes, and which way a copy went and why',
    );
}

export function registerCopy(program: Command): void {
  common(
    program
      .command('copy')
      .description('copy local files or directories to every host of a node set (like pdcp)')
      .argument('<nodeset>', 'hosts: cloud[1-4], @web …')
      .argument('<paths...>', 'SRC… DEST: DEST is a directory on the hosts, or the file to write')
      .option(
        '--via <way>',
        'auto (rsync over the connection where both ends have it, else SFTP; a few new plain files by SFTP), rsync or sftp',
        'auto',
      ),
  )
    .addHelpText(
      'after',
      '\nDirectories are copied whole; modes and modification times are kept. Into DEST when it is\na directory on the host (or ends with /), else to DEST itself. Each host\'s line says which\nway its copy went ("via rsync" / "via sftp"); -v says why.' +
        EXIT_TEXT,
    )
    .action(async (nodeset: string, paths: string[], flags: Flags, cmd: Command) => {
      if (paths.length < 2) {
        throw new UsageError('copy: give at least one SRC and a DEST');
      }
      const sources = paths.slice(0, -1);
      const dest = paths.at(-1) ?? '';
      const via = viaFlag(flags);
      await transfer(cmd, flags, 'copy', paths, (dep, o) =>
        dep.copy(nodeset, sources, dest, { ...o, via }),
      );
    });
}

export function registerGather(program: Command): void {
  common(
    program
      .command('gather')
      .description('copy files or directories from every host into LOCALDIR/HOST/ (like rpdcp)')
      .argument('<nodeset>', 'hosts: cloud[1-4], @web …')
      .argument('<paths...>', 'REMOTE… LOCALDIR')
      .option(
        '--via <way>',
        'auto (rsync over the connection where both ends have it, else SFTP), rsync or sftp',
        'auto',
      ),
  )
    .addHelpText(
      'after',
      "\nEach host gets its own directory LOCALDIR/HOST/ (rpdcp suffixes names instead); modes and\nmodification times are kept. Each host's line says which way it went; -v says why." +
        EXIT_TEXT,
    )
    .action(async (nodeset: string, paths: string[], flags: Flags, cmd: Command) => {
      if (paths.length < 2) {
        throw new UsageError('gather: give at least one REMOTE path and a LOCALDIR');
      }
      const remotes = paths.slice(0, -1);
      const dir = paths.at(-1) ?? '';
      const via = viaFlag(flags);
      await transfer(cmd, flags, 'gather', paths, (dep, o) =>
        dep.gather(nodeset, remotes, dir, { ...o, via }),
      );
    });
}

function viaFlag(flags: Flags): 'auto' | 'rsync' | 'sftp' {
  const via = flags.via ?? 'auto';
  if (via !== 'auto' && via !== 'rsync' && via !== 'sftp') {
    throw new UsageError(`--via: expected auto, rsync or sftp, got "${via}"`);
  }
  return via;
}

type Dep = Awaited<ReturnType<typeof openDeployment>>;

async function transfer(
  cmd: Command,
  flags: Flags,
  word: string,
  paths: string[],
  call: (dep: Dep, o: TransferCallOptions) => Promise<ExecResult>,
): Promise<void> {
  const concurrency = flags.fanout === undefined ? undefined : positiveInt(flags.fanout);
  const dep = await openDeployment(cmd, {
    session: false,
    ...(flags.verbose
      ? { onNote: (h: string, n: string) => process.stderr.write(`${h}: ${n}\n`) }
      : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
  });
  try {
    const results = await withInterrupt((signal) =>
      call(dep, {
        signal,
        ...(concurrency ? { concurrency } : {}),
        ...(flags.dryRun ? { dryRun: true } : {}),
        ...(flags.json
          ? {
              onEvent: (e: DeploymentEvent) => {
                if (e.source === 'exec' && e.event.kind === 'host-result') {
                  process.stdout.write(jsonLine(e.event.result, e.at));
                }
              },
            }
          : {}),
      }),
    );
    if (!flags.json) {
      const { stdout, stderr } = renderFoldedApart(results);
      process.stdout.write(stdout);
      process.stderr.write(stderr);
    }
    const again = [
      ...(flags.fanout !== undefined ? ['-f', flags.fanout] : []),
      ...(flags.user !== undefined ? ['-l', flags.user] : []),
      ...(flags.via !== undefined && flags.via !== 'auto' ? ['--via', flags.via] : []),
    ];
    process.stderr.write(
      renderSummary(results, {
        retryHint: ['salvo', ...servicesFlag(cmd), word, ...again, '{nodeset}', ...paths],
      }),
    );
    process.exitCode = exitCodeOf(results);
  } finally {
    await dep.close({ wait: false });
  }
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--fanout: expected a positive integer, got "${text}"`);
  }
  return n;
}
