// `salvo run FILE.ts [--dry-run] [--resume RUN]`: a release script against the library, its steps
// journaled (a failed or interrupted release resumes at its first unfinished step).
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { EXIT } from '../../../fleet/outcome.js';
import type { Deployment } from '../../../deployment/deployment.js';
import type { ReleaseEvent } from '../../../release/index.js';
import { withInterrupt } from '../../interrupt.js';
import { servicesPath } from '../services-path.js';
import { runtime } from '../../startup/index.js';

interface Flags {
  services: string[];
  dryRun?: boolean;
  resume?: string;
  set: string[];
  waitLock?: string | true;
  json?: boolean;
  verbose?: number;
}

const EXAMPLES = `
The script exports a default async function that gets a Release (docs/releases.md):
  import type { Release } from 'salvo';
  export default async function (r: Release) {
    await r.step('restart hubs', () => r.dep.restart('hub', { rolling: true }));
  }

Exit codes: 0 done, 1 a step failed, 2 usage/script error, 4 deployment locked, 130 interrupted.

Examples:
  salvo run releases/lab-release.ts --dry-run      print every step and what it would do
  salvo run releases/lab-release.ts --set version=1.1.0
  salvo run releases/lab-release.ts --resume last  continue the latest unfinished release`;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run a release script (TypeScript or JavaScript) against the library, step by step, journaled',
    )
    .argument('<file>', 'the script: releases/NAME.ts')
    .option(
      '-s, --services <file>',
      'a services file (repeat for several deployments)',
      collect,
      [],
    )
    .option('--dry-run', 'print the steps and what each would do; contact no host')
    .option(
      '--resume <run>',
      'continue a failed or interrupted release (its id, a prefix, or last)',
    )
    .option(
      '--set <key=value>',
      'a parameter for the script (r.params.key); repeatable',
      collect,
      [],
    )
    .option('--wait-lock [duration]', 'if another run holds the lock, wait (this long, e.g. 10m)')
    .option('--json', 'one JSON event per line on stdout')
    .option(
      '-v, --verbose',
      "print each step's result in full",
      (_v: string, n: number) => n + 1,
      0,
    )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: Flags, cmd: Command) => {
      if (flags.dryRun && flags.resume) {
        throw new UsageError('--dry-run and --resume: choose one');
      }
      const params = Object.fromEntries(flags.set.map(parseSet));
      const { loadScript } = await import('../../../release/load.js');
      const { runRelease } = await import('../../../release/index.js');
      const { Deployment } = await import('../../../deployment/deployment.js');
      const { ProgressPrinter } = await import('../../render/progress.js');
      const { renderReleaseEvent } = await import('../../render/exec/release.js');
      const { eventJsonLine } = await import('../../render/events.js');
      const loaded = await loadScript(file);
      const files = flags.services.length ? flags.services : [servicesPath(cmd)];
      const cache = runtime.codeId ? { inventoryCache: { codeId: runtime.codeId } } : {};
      const printer = await ProgressPrinter.open({
        out: process.stdout,
        render: { verbose: (flags.verbose ?? 0) > 0, retry: [], resume: ['salvo', 'resume'] },
        tinc: true,
      });
      const onDeploymentEvent = flags.json
        ? (e: Parameters<typeof printer.onEvent>[0]) => process.stdout.write(eventJsonLine(e))
        : printer.onEvent;
      const deployments: Deployment[] = [];
      try {
        for (const f of files) {
          deployments.push(
            await Deployment.open(f, {
              ...cache,
              dryRun: flags.dryRun ?? false,
              onEvent: onDeploymentEvent,
            }),
          );
        }
        const again = ['salvo', 'run', file, ...flags.services.flatMap((s) => ['-s', s])];
        const outcome = await withInterrupt((signal) =>
          runRelease({
            script: loaded.script,
            scriptPath: loaded.path,
            sha256: loaded.sha256,
            deployments,
            params,
            signal,
            ...(flags.dryRun ? { dryRun: true } : {}),
            ...(flags.resume ? { resume: flags.resume } : {}),
            ...(flags.waitLock !== undefined ? { waitLock: flags.waitLock } : {}),
            onEvent: (e: ReleaseEvent) => {
              if (flags.json) {
                process.stdout.write(
                  `${JSON.stringify({ at: new Date().toISOString(), source: 'release', ...e, ...('value' in e ? { value: undefined } : {}) })}\n`,
                );
                return;
              }
              printer.print(renderReleaseEvent(e, { verbose: (flags.verbose ?? 0) > 0, again }));
              if (e.kind === 'end') {
                printer.done();
              }
            },
          }),
        );
        if (outcome.error) {
          throw outcome.error;
        }
        if (outcome.state === 'done') {
          process.exitCode = EXIT.ok;
        } else if (outcome.state === 'interrupted') {
          process.exitCode = EXIT.aborted;
        } else {
          process.exitCode = EXIT.failed;
        }
      } finally {
        printer.done();
        await Promise.all(deployments.map((d) => d.close()));
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSet(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at < 1) {
    throw new UsageError(`--set ${text}: expected key=value`);
  }
  return [text.slice(0, at), text.slice(at + 1)];
}
