// `salvo exec NODESET -- CMD…` — one command on many hosts, output folded like `clush -b`.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { DeploymentEvent } from '../../deployment/events.js';
import { exitCodeOf } from '../../fleet/outcome.js';
import { renderFolded, renderSummary, jsonLine } from '../render/results.js';
import { parseDuration } from '../parse-duration.js';
import { withInterrupt } from '../interrupt.js';
import { servicesFlag, openDeployment } from './services-path.js'; // not ./index.js: that loads every command

interface Flags {
  fanout?: string;
  timeout?: string;
  json?: boolean;
  verbose?: boolean;
}

export function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a shell command on every host of a node set, in parallel')
    .argument('<nodeset>', 'hosts: cloud[1-4], @web, cloud[1-21]!cloud8 …')
    .argument('<command...>', 'the command (after --), run by the remote shell')
    .option('-f, --fanout <n>', 'hosts in flight at once (default: ssh.concurrency, 64)')
    .option(
      '-t, --timeout <duration>',
      'per-host deadline (e.g. 30s, 2m); kills the remote process group',
    )
    .option('--json', 'one JSON object per host on stdout, as each finishes')
    .option(
      '-v, --verbose',
      'on stderr, per host: what the connection negotiated (kex, host key, cipher), auth notes',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all ok, 1 some command failed, 2 usage/config error,\n3 some host unreachable, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).',
    )
    .action(async (nodeset: string, words: string[], flags: Flags, cmd: Command) => {
      const concurrency =
        flags.fanout === undefined ? undefined : positiveInt(flags.fanout, '--fanout');
      const timeoutMs =
        flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
      // One command per host, then exit: no shell sessions to keep warm, no waiting for closes.
      const onNote = flags.verbose
        ? (host: string, note: string): void => {
            process.stderr.write(`${host}: ${note}\n`);
          }
        : undefined;
      const dep = await openDeployment(cmd, { session: false, ...(onNote ? { onNote } : {}) });
      try {
        const results = await withInterrupt((signal) =>
          dep.exec(nodeset, words.join(' '), {
            ...(concurrency ? { concurrency } : {}),
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            signal,
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
          process.stdout.write(renderFolded(results));
        }
        process.stderr.write(
          renderSummary(results, {
            retryHint: ['salvo', ...servicesFlag(cmd), 'exec', '{nodeset}', '--', ...words],
          }),
        );
        process.exitCode = exitCodeOf(results);
      } finally {
        await dep.close({ wait: false });
      }
    });
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  }
  return n;
}
