// `salvo logs SERVICE [-H NODESET] [-n N] [-f]`: the units' log files, each line prefixed with
// its unit; -f keeps printing what is appended until Ctrl-C.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { EXIT } from '../../../fleet/outcome.js';
import type { LogLine } from '../../../deployment/logs.js';
import { withInterrupt } from '../../interrupt.js';
import { openDeployment } from '../services-path.js';

interface Flags {
  hosts?: string;
  lines: string;
  follow?: boolean;
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description(
      "the log files of a service's units, each line prefixed with its unit (-f: follow)",
    )
    .argument('<service>', 'a service of the services file (hub, snap …), or all')
    .option('-H, --hosts <nodeset>', 'only units on these hosts')
    .option('-n, --lines <n>', 'lines from the end of each log', '50')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .addHelpText(
      'after',
      `
Examples:
  salvo logs hub                      the last 50 lines of every hub's log
  salvo logs snap -H cloud3 -n 200
  salvo logs hub -H @web -f           follow, prefixed hub#0@cloud1| …`,
    )
    .action(async (service: string, flags: Flags, cmd: Command) => {
      const lines = Number(flags.lines);
      if (!Number.isInteger(lines) || lines < 0) {
        throw new UsageError(`--lines: expected a count, got "${flags.lines}"`);
      }
      const { paint } = await import('../../render/colour.js');
      const print = (ls: LogLine[]): void => {
        process.stdout.write(ls.map((l) => `${paint.dim(`${l.unit}|`)} ${l.line}\n`).join(''));
      };
      const dep = await openDeployment(cmd);
      try {
        const hosts = flags.hosts !== undefined ? { hosts: flags.hosts } : {};
        if (flags.follow) {
          await withInterrupt((signal) =>
            dep.followLogs(service, print, { ...hosts, lines, signal }),
          );
          process.exitCode = EXIT.ok;
          return;
        }
        const r = await withInterrupt((signal) => dep.logs(service, { ...hosts, lines, signal }));
        print(r.lines);
        if (!r.unreachable.empty) {
          process.stderr.write(`unreachable: ${r.unreachable} (${r.unreachable.size})\n`);
        }
        if (!r.failed.empty) {
          process.stderr.write(`could not read: ${r.failed} (${r.failed.size})\n`);
        }
        if (!r.unreachable.empty) {
          process.exitCode = EXIT.unreachable;
        } else if (!r.failed.empty) {
          process.exitCode = EXIT.failed;
        } else {
          process.exitCode = EXIT.ok;
        }
      } finally {
        await dep.close();
      }
    });
}
