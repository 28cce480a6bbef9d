// Colour for people: on for a terminal, off for a pipe, a file, NO_COLOR, `--no-color` or a dumb
// terminal; FORCE_COLOR (not 0) turns it on. The decision is ours rather than picocolors' own,
// which also turns colour on whenever a `CI` variable is set — and then a CI log, a cron mail or
// a test reading a pipe gets escape codes.
import { isatty } from 'node:tty';
import pc from 'picocolors';

/** Whether output to fd 1 should carry colour, from the environment, argv and the terminal. */
export function wantsColour(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
  tty: boolean = isatty(1),
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    return force !== '0' && force !== 'false';
  }
  if ('NO_COLOR' in env || argv.includes('--no-color')) {
    return false;
  }
  return tty && env.TERM !== 'dumb';
}

const pcs = pc.createColors(wantsColour());

export const paint = {
  ok: (s: string): string => pcs.green(s),
  bad: (s: string): string => pcs.red(s),
  warn: (s: string): string => pcs.yellow(s),
  dim: (s: string): string => pcs.dim(s),
  bold: (s: string): string => pcs.bold(s),
  on: (): boolean => pcs.isColorSupported,
};
