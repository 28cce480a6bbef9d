// `salvo status [SERVICE|all] [-H NODESET] [--json]` — each unit running / stopped / unhealthy,
// with pid, uptime and version; one SSH round trip per host.
import { parseDuration } from '../../parse-duration.js';
import type { Command } from 'commander';
import { EXIT } from '../../../fleet/outcome.js';
import { wasInterrupted, withInterrupt } from '../../interrupt.js';
import { unitId } from '../../../services/types.js';
import { openDeployment, servicesFlag } from '../services-path.js';

interface Flags {
  hosts?: string;
  json?: boolean;
  watch?: string | true;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('state of every unit: running / stopped / unhealthy, pid, uptime, version')
    .argument('[service]', 'a service of the services file (hub, cassandra, …), or all', 'all')
    .option('-H, --hosts <nodeset>', 'only units on these hosts')
    .option('--json', 'one JSON object per unit')
    .option(
      '-w, --watch [seconds]',
      'probe again every N seconds (default 2) until Ctrl-C; redrawn on a terminal',
    )
    .addHelpText(
      'after',
      '\nUnits an interrupted run left mid-step (perhaps drained or stopped) are listed after the\ntable, with the `salvo resume` that finishes them.\n' +
        '\nExit codes: 0 every unit running, 1 some unit stopped or unhealthy,\n2 usage/config error, 3 some host unreachable, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).\n' +
        '\nExamples:\n  salvo status\n  salvo status hub -H @web\n  salvo status --watch 5       redrawn every 5 s until Ctrl-C',
    )
    .action(async (service: string, flags: Flags, cmd: Command) => {
      const { renderLeftBehind, renderStatus, statusExitCode, statusJsonLine } = await import(
        '../../render/rollout/status.js'
      );
      const dep = await openDeployment(cmd);
      if (flags.watch !== undefined) {
        try {
          const { watchStatus } = await import('../../render/rollout/status-watch.js');
          await watchStatus(
            dep,
            service,
            flags.hosts,
            flags.watch === true ? 2 : parseDuration(flags.watch, '--watch') / 1000,
          );
          process.exitCode = EXIT.ok;
        } finally {
          await dep.close();
        }
        return;
      }
      try {
        const report = await withInterrupt((signal) =>
          dep.status(service, {
            ...(flags.hosts !== undefined ? { hosts: flags.hosts } : {}),
            signal,
          }),
        );
        const statuses = report.units;
        const left = new Map(report.leftBehind.map((l) => [l.unit, l]));
        process.stdout.write(
          flags.json
            ? statuses.map((s) => statusJsonLine(s, left.get(unitId(s.unit)))).join('')
            : renderStatus(statuses) +
                renderLeftBehind(report.leftBehind, ['salvo', ...servicesFlag(cmd)]),
        );
        process.exitCode = wasInterrupted() ? EXIT.aborted : statusExitCode(statuses); // partial results, then 130/143
      } finally {
        await dep.close();
      }
    });
}
