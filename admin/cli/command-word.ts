// Which command a `salvo` command line names, found before anything else is loaded: main.ts
// registers a fast command alone, and bin/salvo picks that command's code cache.

/** The command word of `argv` (node, script, …), skipping global options; undefined if none. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === '-s' || arg === '--services') { i++; continue; } // the one global option with a value
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
