// `salvo exec NODESET -- CMD…` — one command on many hosts: output folded like `clush -b`, or
// streamed line by line (`-L`, like clush without -b), or one JSON object per host. stdin is
// forwarded to every host when it is not a terminal (like clush).
import { Option, type Command } from 'commander';
import { UsageError } from '../../../errors.js';
import type { DeploymentEvent } from '../../../deployment/events.js';
import type { ExecOptions } from '../../../deployment/deployment.js';
import { exitCodeOf } from '../../../fleet/outcome.js';
import { statusOf } from '../../../fleet/fold.js';
import { foldedPieces, renderSummary, jsonLine } from '../../render/exec/results.js';
import { LinePrinter } from '../../render/exec/lines.js';
import { parseDuration } from '../../parse-duration.js';
import { parseBytes } from '../../../inventory/bytes.js';
import { withInterrupt } from '../../interrupt.js';
import { servicesFlag, openDeployment } from '../services-path.js'; // not ./index.js: that loads every command
import {
  flagsArgv,
  maxOutputOption,
  outputMode,
  positiveInt,
  readScript,
  stdinFor,
  sudoOperands,
  sudoOption,
  type Flags,
} from './exec-flags.js';

export function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a shell command on every host of a node set, in parallel')
    .argument('[nodeset]', 'hosts: cloud[1-4], @web, cloud[1-21]!cloud8 …')
    .argument(
      '[command...]',
      "the command (after --), run by the remote shell; with --script, the script's arguments",
    )
    .option('-f, --fanout <n>', 'hosts in flight at once (default: ssh.concurrency, 64)')
    .option(
      '-T, --timeout <duration>',
      'per-host deadline (e.g. 30s, 2m); kills the remote process group (formerly -t; see CHANGELOG.md)',
    )
    .option(
      '-L, --lines',
      'print each line as it arrives, prefixed "host: " (stderr lines on stderr); default with one host on a terminal',
    )
    .option('-b, --fold', 'fold identical output of hosts at the end, like clush -b (the default)')
    .option('--json', 'one JSON object per host on stdout, as each finishes')
    .option(
      '--max-output <size>',
      'output kept per host and stream in folded and --json modes (e.g. 512K, 64M; default ssh.max_output, 8.25M); -L keeps none',
    )
    .option('-l, --user <user>', 'log in as this user (over the services file and ssh_config)')
    .option(
      '--sudo [user]',
      'run through sudo -n as USER (default root); never prompts for a password; --sudo=USER is never ambiguous',
    )
    .addOption(new Option('--sudo-user <user>', 'alias of --sudo USER').hideHelp())
    .option(
      '-t, --tty',
      'allocate a pseudo-terminal on each host, like ssh -t (stderr merges into stdout)',
    )
    .addOption(new Option('--pty', 'alias of -t/--tty').hideHelp())
    .option(
      '--stdin <file>',
      "send this file to every host's stdin (default: our stdin when not a terminal)",
    )
    .option(
      '--script <file>',
      'run this local script on every host (its #! interpreter, else sh); words after -- are its arguments',
    )
    .option('--no-stdin', 'send nothing to the remote stdin, even when ours is not a terminal')
    .option(
      '-v, --verbose',
      'on stderr, per host: what the connection negotiated (kex, host key, cipher), auth notes',
    )
    .addHelpText(
      'after',
      '\nOutput: folded (-b) when several hosts or not a terminal; -L streams lines as they come\n' +
        '(use it for tail -f); --json one object per host. Remote stderr goes to stderr.\n' +
        'stdin: forwarded to every host, as it arrives, when it is not a terminal (clush does the\n' +
        'same); --no-stdin to send none. ssh_config is honoured (docs/exec.md).\n' +
        '--script FILE: sent inside the command, written to a mktemp file on each host, run with\n' +
        "its #! interpreter (else sh) and removed when it ends; stdin stays the script's own.\n" +
        '-t is --tty (as in ssh); the per-host timeout is -T/--timeout (formerly -t).\n' +
        '\nExit codes: 0 all ok, 1 some command failed, 2 usage/config error,\n3 some host unreachable, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).',
    )
    .action(async (first: string | undefined, rest: string[], flags: Flags, cmd: Command) => {
      const { nodeset, words } = sudoOperands(first, rest, flags, cmd);
      if ((flags.tty || flags.pty) && /^\d+(\.\d+)?(ms|s|m|h|d)?$/.test(nodeset)) {
        // Scripts written for the old flags: `-t 30s` was the timeout.
        throw new UsageError(
          `-t ${nodeset}: -t now allocates a terminal (as ssh -t); the per-host timeout is -T/--timeout ${nodeset}`,
        );
      }
      const concurrency =
        flags.fanout === undefined ? undefined : positiveInt(flags.fanout, '--fanout');
      const timeoutMs =
        flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
      if (flags.maxOutput !== undefined) {
        const bytes = parseBytes(flags.maxOutput);
        if (typeof bytes !== 'number' || bytes < 64 * 1024) {
          throw new UsageError(
            `--max-output ${flags.maxOutput}: ${typeof bytes === 'number' ? 'at least 64K' : bytes.error}`,
          );
        }
      }
      const modes = [flags.json && '--json', flags.lines && '--lines', flags.fold && '--fold'];
      if (modes.filter(Boolean).length > 1) {
        throw new UsageError(`${modes.filter(Boolean).join(' and ')}: choose one output mode`);
      }
      // One command per host, then exit: no shell sessions to keep warm, no waiting for closes.
      const onNote = flags.verbose
        ? (host: string, note: string): void => {
            process.stderr.write(`${host}: ${note}\n`);
          }
        : undefined;
      const dep = await openDeployment(cmd, {
        session: false,
        ...(onNote ? { onNote } : {}),
        ...(flags.user !== undefined ? { user: flags.user } : {}),
      });
      try {
        const hosts = dep.nodes(nodeset);
        const mode = outputMode(flags, hosts.length);
        const printer = new LinePrinter(
          (t) => process.stdout.write(t),
          (t) => process.stderr.write(t),
        );
        const stdin = stdinFor(flags);
        const options: ExecOptions = {
          ...(concurrency ? { concurrency } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(stdin !== undefined ? { stdin } : {}),
          ...sudoOption(flags),
          ...(flags.tty || flags.pty ? { pty: true } : {}),
          // -L writes lines out as they come and keeps none; the others keep up to the limit.
          ...maxOutputOption(mode, flags.maxOutput),
          ...(mode === 'lines'
            ? {
                onOutput: (h, s, c) => {
                  printer.chunk(h, s, c);
                  return drained();
                },
              }
            : {}),
          onEvent: (e: DeploymentEvent) => {
            if (e.source !== 'exec' || e.event.kind !== 'host-result') {
              return;
            }
            const r = e.event.result;
            if (mode === 'json') {
              process.stdout.write(jsonLine(r, e.at));
            } else if (mode === 'lines') {
              printer.end(r.host);
              if (!r.ok) {
                process.stderr.write(`${r.host}: ${statusOf(r)}\n`);
              }
            }
          },
        };
        const script = flags.script === undefined ? undefined : readScript(flags.script);
        const results = await withInterrupt((signal) =>
          script
            ? dep.script(nodeset, script, words, { ...options, signal })
            : dep.exec(nodeset, words.join(' '), { ...options, signal }),
        );
        if (mode === 'fold') {
          const { stdout, stderr } = foldedPieces(results);
          await writeAll(process.stdout, stdout);
          await writeAll(process.stderr, stderr);
        }
        if (mode !== 'lines' || !results.allOk) {
          process.stderr.write(
            renderSummary(results, {
              retryHint: [
                'salvo',
                ...servicesFlag(cmd),
                'exec',
                ...flagsArgv(flags),
                '{nodeset}',
                ...(words.length ? ['--', ...words] : []),
              ],
            }),
          );
        }
        process.exitCode = exitCodeOf(results);
      } finally {
        process.stdin.pause();
        await dep.close({ wait: false });
      }
    });
}

/** Write each piece, waiting for the stream to drain between them (a flood is copied once). */
async function writeAll(stream: NodeJS.WriteStream, pieces: string[]): Promise<void> {
  for (const piece of pieces) {
    if (!stream.write(piece)) {
      await new Promise<void>((resolve) => stream.once('drain', resolve));
    }
  }
}

/**
 * A promise while stdout or stderr holds more than its high-water mark (a pipe to a slow
 * reader): the hosts' output is not read meanwhile, so -L holds no more than that.
 */
function drained(): Promise<void> | undefined {
  const waits = [process.stdout, process.stderr]
    .filter((s) => s.writableNeedDrain)
    .map((s) => new Promise<void>((resolve) => s.once('drain', resolve)));
  return waits.length ? Promise.all(waits).then(() => undefined) : undefined;
}
