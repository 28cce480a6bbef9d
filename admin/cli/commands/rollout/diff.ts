// `salvo diff [-H NODESET]` — the services file against the hosts: units that should run and do
// not (start would start them), units on another version, units running outside the file.
import type { Command } from 'commander';
import { EXIT } from '../../../fleet/outcome.js';
import { wasInterrupted, withInterrupt } from '../../interrupt.js';
import { openDeployment, servicesFlag } from '../services-path.js';

interface Flags {
  hosts?: string;
  json?: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare the services file with what runs: missing, extra, wrong version')
    .option('-H, --hosts <nodeset>', 'only look at these hosts (default: every host of the file)')
    .option('--json', 'one JSON object per difference')
    .addHelpText(
      'after',
      '\nExit codes: 0 no drift, 1 drift, 2 usage/config error, 3 some host unreachable,\n130 interrupted (Ctrl-C), 143 terminated (SIGTERM).',
    )
    .action(async (flags: Flags, cmd: Command) => {
      const { renderDiff, driftExitCode } = await import('../../render/rollout/diff.js');
      const dep = await openDeployment(cmd);
      try {
        const { items } = await withInterrupt((signal) =>
          dep.diff({ ...(flags.hosts !== undefined ? { hosts: flags.hosts } : {}), signal }),
        );
        process.stdout.write(
          flags.json
            ? items.map((i) => `${JSON.stringify(i)}\n`).join('')
            : renderDiff(items, ['salvo', ...servicesFlag(cmd)]),
        );
        process.exitCode = wasInterrupted() ? EXIT.aborted : driftExitCode(items); // partial results, then 130/143
      } finally {
        await dep.close();
      }
    });
}
