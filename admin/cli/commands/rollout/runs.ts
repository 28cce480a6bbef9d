// `salvo runs` lists the journaled rollouts of the deployment; `salvo resume RUN` continues an
// interrupted one from the first step its journal does not show as finished.
import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import type { KindLookup } from '../../../rollout/types.js';
import { renderRuns } from '../../render/rollout/runs.js';
import { waitLock } from './ops.js';
import { listener, runWithDeployment, type OutputFlags } from './rollout-action.js';
import { servicesFlag, servicesPath } from '../services-path.js';

export function registerRuns(program: Command, kinds?: KindLookup): void {
  program
    .command('runs')
    .description(
      'list rollouts (journals under .salvo/runs next to the services file): state and progress',
    )
    .option('--json', 'one JSON object per run')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { listRuns } = await import('../../../rollout/journal/runs.js');
      // Only the journals are read: no need to load the services file or reach a host.
      const dir = dirname(resolve(servicesPath(cmd)));
      // A journal that cannot be replayed is listed as damaged, with what its id tells.
      const runs = listRuns(dir);
      process.stdout.write(
        flags.json
          ? runs.map((r) => `${JSON.stringify(r)}\n`).join('')
          : renderRuns(runs, ['salvo', ...servicesFlag(cmd)]),
      );
    });

  program
    .command('resume')
    .description('continue an interrupted rollout without redoing finished steps')
    .argument('<run>', 'a run id from `salvo runs` (a unique prefix will do), or `last`')
    .option('--wait-lock [duration]', 'if another run holds the lock, wait (this long, e.g. 10m)')
    .option('--json', 'one JSON event per line on stdout')
    .option('--full', 'with --json: whole scripts in the events')
    .option(
      '-v, --verbose',
      'print each step as it starts (-vv: whole scripts)',
      (_v: string, n: number) => n + 1,
      0,
    )
    .addHelpText(
      'after',
      '\nA unit that was half done continues at its first unfinished step; a step that was running\n' +
        'when the run stopped runs again. Quarantined units stay quarantined. Exit codes as for restart.',
    )
    .action(
      async (run: string, flags: OutputFlags & { waitLock?: string | true }, cmd: Command) => {
        const again = ['salvo', ...servicesFlag(cmd)];
        await runWithDeployment(
          cmd,
          kinds,
          { onEvent: await listener(flags, again), ...waitLock(flags.waitLock) },
          (dep, opts) => dep.resume(run, opts),
        );
      },
    );
}
