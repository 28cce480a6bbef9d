// `salvo repl [-s FILE…]`: each services file as an object named by its deployment, results
// rendered as the CLI renders them, progress live, history kept between sessions.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { servicesPath } from '../services-path.js';
import { runtime } from '../../startup/index.js';

const EXAMPLES = `
History: $SALVO_REPL_HISTORY, else $XDG_STATE_HOME/salvo/repl_history (~/.local/state/…).

Examples:
  salvo repl                                   the deployment of ./services.yaml
  salvo repl -s conf/storm.yaml -s conf/cloud.yaml
  salvo repl -s conf/storm.yaml                then storm.exec('@web', 'uptime'), .help`;

/** Where the REPL keeps its history. */
function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SALVO_REPL_HISTORY) {
    return env.SALVO_REPL_HISTORY;
  }
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'salvo', 'repl_history');
}

export function registerRepl(program: Command): void {
  program
    .command('repl')
    .description(
      'interactive: each services file as an object named by its deployment (storm.restart("hub"))',
    )
    .option(
      '-s, --services <file>',
      'a services file (repeat for several deployments)',
      collect,
      [],
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { services: string[] }, cmd: Command) => {
      const { Deployment } = await import('../../../deployment/deployment.js');
      const { startRepl } = await import('../../../repl/index.js');
      const { renderValue } = await import('../../render/program/value.js');
      const { renderError } = await import('../../render/error.js');
      const { ProgressPrinter } = await import('../../render/progress.js');
      const { paint } = await import('../../render/colour.js');
      const files = flags.services.length ? flags.services : [servicesPath(cmd)];
      const cache = runtime.codeId ? { inventoryCache: { codeId: runtime.codeId } } : {};
      const deployments = [];
      try {
        for (const file of files) {
          deployments.push(await Deployment.open(file, cache));
        }
      } catch (err) {
        await Promise.all(deployments.map((d) => d.close()));
        throw err;
      }
      const printer = await ProgressPrinter.open({
        out: process.stdout,
        render: { verbose: false, retry: [], resume: ['resume'] },
        tinc: true,
      });
      const history = historyPath();
      mkdirSync(dirname(history), { recursive: true, mode: 0o700 });
      await startRepl({
        deployments,
        historyFile: history,
        render: renderValue,
        renderError,
        colors: paint.on(),
        progress: (e) => {
          printer.onEvent(e);
          if (e.source === 'rollout' && e.event.kind === 'done') {
            printer.done();
          }
        },
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
