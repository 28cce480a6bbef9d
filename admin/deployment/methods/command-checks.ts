// A command checked before it goes out (shell text or cmd(), its length once quoted, sudo around
// it, maxOutput) and sudo's refusals said plainly when they come back.
import { UsageError } from '../../errors.js';
import { describeBytes, parseBytes } from '../../inventory/bytes.js';
import {
  cmd,
  display,
  quote,
  Secret,
  shell,
  toShell,
  type Command,
} from '../../transport/command.js';
import { MAX_COMMAND_BYTES } from '../../transport/script.js';
import { MIN_MAX_OUTPUT } from '../../transport/session/index.js';
import type { CommandResult } from '../../transport/types.js';

/** `sudo -n [-u USER] -- sh -c CMD`: non-interactive, so a password prompt is an error. */
export function withSudo(c: Command, sudo: boolean | string | undefined): Command {
  if (!sudo) {
    return c;
  }
  if (c.parts.some((p) => p instanceof Secret)) {
    throw new UsageError('exec: sudo cannot wrap a command holding a secret (it would be shown)');
  }
  const user = typeof sudo === 'string' ? ['-u', sudo] : [];
  const wrapped = cmd('sudo', '-n', ...user, '--', 'sh', '-c', toShell(c));
  return c.label === undefined
    ? wrapped
    : { ...wrapped, label: `${display(cmd('sudo', '-n', ...user, '--'))} ${c.label}` };
}

/** sudo's own refusals (exit 1, its reason on stderr), said plainly. */
const SUDO_REFUSALS: readonly (readonly [RegExp, string])[] = [
  [
    /sudo: (a password is required|a terminal is required)/,
    'sudo needs a password here and Salvo never types one (sudo -n): allow this user NOPASSWD in sudoers, or log in as the target user (-l)',
  ],
  [/sudo: (command )?not found|sudo: not found/, 'sudo is not installed on this host'],
  [
    /is not in the sudoers file|is not allowed to (run|execute)/,
    'sudo refused: this user may not run commands as that user (sudoers)',
  ],
];

export function explainSudo(r: CommandResult): CommandResult {
  if (r.ok || r.failure?.kind !== 'nonzero') {
    return r;
  }
  const why = SUDO_REFUSALS.find(([re]) => re.test(r.stderr))?.[1];
  if (why === undefined) {
    return r;
  }
  // Said on stderr too, where the folded and line outputs show it next to sudo's own words.
  const stderr = `${r.stderr}${r.stderr === '' || r.stderr.endsWith('\n') ? '' : '\n'}salvo: ${why}\n`;
  return { ...r, stderr, failure: { kind: 'nonzero', message: `${why}; ${r.failure.message}` } };
}

/** `maxOutput` as given: bytes, `'8M'`; 0, or at least 64 KiB. */
export function maxOutputOf(value: number | string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const bytes = parseBytes(value);
  if (typeof bytes !== 'number') {
    throw new UsageError(`maxOutput: ${bytes.error}`);
  }
  if (bytes !== 0 && bytes < MIN_MAX_OUTPUT) {
    throw new UsageError(
      `maxOutput: at least ${describeBytes(MIN_MAX_OUTPUT)} (or 0 to keep nothing), got ${String(value)}`,
    );
  }
  return bytes;
}

/**
 * sshd gives the command to the login shell as one argument, which Linux caps at 128 KiB; Salvo's
 * wrapper quotes it once more (wrap.ts). Past that the host would say "Argument list too long".
 */
export function checkLength(c: Command): void {
  const bytes = Buffer.byteLength(quote(toShell(c))) + 512;
  if (bytes > MAX_COMMAND_BYTES) {
    throw new UsageError(
      `exec: ${display(c)}: the command is ${Math.ceil(bytes / 1024)} KiB once quoted; a remote shell takes at most ${MAX_COMMAND_BYTES / 1024} KiB in one command (copy a large script with salvo copy, then run it)`,
    );
  }
}

export function toCommand(command: string | Command): Command {
  if (typeof command === 'string') {
    if (command.trim() === '') {
      throw new UsageError('exec: the command is empty');
    }
    return shell(command);
  }
  if (command && Array.isArray((command as Command).parts)) {
    return command;
  }
  throw new UsageError(
    "exec: the command must be a string ('uptime') or cmd('systemctl', 'restart', unit)",
  );
}
