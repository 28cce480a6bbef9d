// Which command a `salvo` command line names, found before anything else is loaded: main.ts
// registers a fast command alone, and bin/salvo picks that command's code cache.

/** The program's global options that take a value (main.ts; a test keeps the two in step). */
export const GLOBAL_OPTIONS_WITH_VALUE: readonly string[] = ['-s', '--services'];

/** The command word of `argv` (node, script, …), skipping global options; undefined if none. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      return undefined;
    }
    if (GLOBAL_OPTIONS_WITH_VALUE.includes(arg)) {
      i++; // its value
      continue;
    }
    if (!arg.startsWith('-')) {
      return arg;
    }
  }
  return undefined;
}

/**
 * Which code cache a command line uses (bin/salvo): its command word, or `help` when it asks for
 * help (`-h`/`--help` before any `--`) or names no command. Help runs little of a command's code,
 * so it has its own cache and never stands in for the command's.
 */
export function codeCacheName(argv: readonly string[]): string {
  const end = argv.indexOf('--');
  const own = end === -1 ? argv.slice(2) : argv.slice(2, end);
  if (own.includes('-h') || own.includes('--help')) {
    return 'help';
  }
  return commandWord(argv) ?? 'help';
}

/** Whether the command line asks only for the version (`salvo --version` or `salvo -V`): bin/salvo
 * answers it without loading the CLI. */
export function asksOnlyVersion(argv: readonly string[]): boolean {
  return argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V');
}
