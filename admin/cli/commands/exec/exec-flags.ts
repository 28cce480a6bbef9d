// `salvo exec`'s flags read into what the call takes: the node set and command (with `--sudo
// [USER]`'s one ambiguity settled), the output mode, stdin, the script, and the flags again as
// argv for the retry hint.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ExecOptions } from '../../../deployment/deployment.js';
import { UsageError } from '../../../errors.js';
import { InputFeed } from '../../../transport/input-feed.js';

export interface Flags {
  fanout?: string;
  timeout?: string;
  json?: boolean;
  lines?: boolean;
  fold?: boolean;
  user?: string;
  sudo?: boolean | string;
  sudoUser?: string;
  tty?: boolean;
  pty?: boolean;
  stdin?: string | false;
  script?: string;
  maxOutput?: string;
  verbose?: boolean;
}

/** -L writes lines out as they come and keeps none; the others keep up to the limit. */
export function maxOutputOption(
  mode: 'json' | 'lines' | 'fold',
  maxOutput: string | undefined,
): Pick<ExecOptions, 'maxOutput'> {
  if (mode === 'lines') {
    return { maxOutput: 0 };
  }
  return maxOutput === undefined ? {} : { maxOutput };
}

/** --json, -L, -b; by default lines for one host on a terminal (as ssh shows it), else folded. */
export function outputMode(flags: Flags, hosts: number): 'json' | 'lines' | 'fold' {
  if (flags.json) {
    return 'json';
  }
  if (flags.lines) {
    return 'lines';
  }
  return !flags.fold && hosts === 1 && process.stdout.isTTY ? 'lines' : 'fold';
}

/** `--sudo` (root), `--sudo USER`, `--sudo=USER`, or the alias `--sudo-user USER`. */
export function sudoOption(flags: Flags): Pick<ExecOptions, 'sudo'> {
  if (flags.sudoUser !== undefined) {
    return { sudo: flags.sudoUser };
  }
  if (typeof flags.sudo === 'string') {
    return { sudo: flags.sudo };
  }
  return flags.sudo ? { sudo: true } : {};
}

/**
 * `--sudo [USER]` takes the next word as USER, like any option with a value. When that word was
 * really the node set (`exec --sudo 'cloud[1-2]' -- id`), the operands show it: the node set
 * then came from after `--` (or no command is left), so the word is the node set and sudo is
 * root. `--sudo=USER` is never read that way.
 */
export function sudoOperands(
  first: string | undefined,
  rest: string[],
  flags: Flags,
  cmd: Command,
): { nodeset: string; words: string[] } {
  const raw = rawArgs(cmd);
  const dashes = raw.indexOf('--');
  const before = dashes < 0 ? raw : raw.slice(0, dashes);
  const user = flags.sudo;
  const script = flags.script !== undefined;
  const swallowed =
    typeof user === 'string' &&
    !before.some((a) => a.startsWith('--sudo=')) &&
    (first === undefined ||
      (!script && rest.length === 0) ||
      (dashes >= 0 && !before.includes(first)));
  if (swallowed) {
    flags.sudo = true;
    return { nodeset: user, words: first === undefined ? [] : [first, ...rest] };
  }
  if (first === undefined) {
    throw new UsageError('exec: no node set given (salvo exec NODESET -- CMD)');
  }
  if (rest.length === 0 && !script) {
    throw new UsageError('exec: no command given (salvo exec NODESET -- CMD)');
  }
  if (rest.length > 0 && script && dashes < 0) {
    // Without --, a word after the node set might be a command typed by mistake.
    throw new UsageError(
      `exec --script: put the script's arguments after -- (salvo exec NODESET --script FILE -- ARG…)`,
    );
  }
  return { nodeset: first, words: rest };
}

/** The script's bytes, read once and sent to every host. */
export function readScript(file: string): { name: string; content: Buffer } {
  try {
    return { name: file, content: readFileSync(file) };
  } catch (err) {
    throw new UsageError(`--script ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** The words given to this subcommand (after `salvo … exec`). */
function rawArgs(cmd: Command): string[] {
  const all = (cmd.parent as { rawArgs?: string[] } | null)?.rawArgs ?? process.argv;
  const at = all.indexOf(cmd.name());
  return at < 0 ? all : all.slice(at + 1);
}

/** stdin for the hosts: a file, ours when it is not a terminal, or none. */
export function stdinFor(flags: Flags): InputFeed | Buffer | undefined {
  if (flags.stdin === false) {
    return undefined;
  }
  if (typeof flags.stdin === 'string') {
    try {
      return readFileSync(flags.stdin);
    } catch (err) {
      throw new UsageError(`--stdin ${flags.stdin}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }
  return process.stdin.isTTY ? undefined : InputFeed.from(process.stdin);
}

/** The flags that shape a run, for the retry hint (a retry must behave like the run). */
export function flagsArgv(flags: Flags): string[] {
  return [
    ...(flags.fanout !== undefined ? ['-f', flags.fanout] : []),
    ...(flags.timeout !== undefined ? ['-T', flags.timeout] : []),
    ...(flags.user !== undefined ? ['-l', flags.user] : []),
    ...sudoArgv(sudoOption(flags).sudo),
    ...(flags.tty || flags.pty ? ['-t'] : []),
    ...(typeof flags.stdin === 'string' ? ['--stdin', flags.stdin] : []),
    ...(flags.stdin === false ? ['--no-stdin'] : []),
    ...(flags.script !== undefined ? ['--script', flags.script] : []),
    ...(flags.maxOutput !== undefined ? ['--max-output', flags.maxOutput] : []),
    ...(flags.lines ? ['-L'] : []),
    ...(flags.fold ? ['-b'] : []),
    ...(flags.json ? ['--json'] : []),
  ];
}

/** `--sudo` or `--sudo=USER` (the one spelling that cannot take the node set for a user). */
function sudoArgv(sudo: boolean | string | undefined): string[] {
  if (typeof sudo === 'string') {
    return [`--sudo=${sudo}`];
  }
  return sudo ? ['--sudo'] : [];
}

export function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  }
  return n;
}
