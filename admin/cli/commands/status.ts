// `salvo status [SERVICE|all] [-H NODESET] [--json]` — each unit running / stopped / unhealthy,
// with pid, uptime and version; one SSH round trip per host.
import type { Command } from 'commander';
import { EXIT } from '../../fleet/outcome.js';
import { wasInterrupted, withInterrupt } from '../interrupt.js';
import { openDeployment } from './services-path.js';

interface Flags {
  hosts?: string;
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('state of every unit: running / stopped / unhealthy, pid, uptime, version')
    .argument('[service]', 'a service of the services file (hub, cassandra, …), or all', 'all')
    .option('-H, --hosts <nodeset>', 'only units on these hosts')
    .option('--json', 'one JSON object per unit')
    .addHelpText(
      'after',
      '\nExit codes: 0 every unit running, 1 some unit stopped or unhealthy,\n2 usage/config error, 3 some host unreachable, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).',
    )
    .action(async (service: string, flags: Flags, cmd: Command) => {
      const { renderStatus, statusExitCode, statusJsonLine } = await import('../render/status.js');
      const dep = await openDeployment(cmd);
      try {
        const report = await withInterrupt((signal) =>
          dep.status(service, { ...(flags.hosts !== undefined ? { hosts: flags.hosts } : {}), signal }),
        );
        const statuses = report.units;
        process.stdout.write(
          flags.json ? statuses.map(statusJsonLine).join('') : renderStatus(statuses),
        );
        process.exitCode = wasInterrupted() ? EXIT.aborted : statusExitCode(statuses); // partial results, then 130/143
      } finally {
        await dep.close();
      }
    });
}
