// The `salvo` command line. Parses flags, calls the library, renders its results. No logic here
// that the library lacks; each command lives in its own lazily imported file.
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { exitCodeForError, renderError } from './render/error.js';
import { EXIT } from '../fleet/outcome.js';
import { exitCodeAfterSignal } from './interrupt.js';
import { commandWord } from './startup/index.js';
import { runtime, type Runtime } from './startup/index.js';

type Register = (program: Command) => void;

// Start-up: commands/index.js loads every command file and what each one imports statically.
// A command that must start fast registers alone when it is the one named on the command line,
// from its own module; anything else (help, other commands, typos) gets the whole table.
// A module listed here must not import commands/index.js.
const ALONE: Readonly<Record<string, () => Promise<Register>>> = {
  exec: async () => (await import('./commands/exec/exec.js')).registerExec,
  check: async () => (await import('./commands/inventory/check.js')).registerCheck,
};

/** The program with every command, or only the named one when it is in ALONE. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('salvo')
    .description('Operate a hosted compute cloud from one services file')
    .option(
      '-s, --services <file>',
      'services file (env SALVO_SERVICES)',
      process.env.SALVO_SERVICES ?? 'services.yaml',
    )
    .option('--no-color', 'no colours (NO_COLOR=1 does the same)')
    .showHelpAfterError()
    .addHelpText('after', '\n`salvo --version` (-V) prints the version.')
    .exitOverride();
  const word = commandWord(argv);
  // Only with no command: `salvo upgrade hub --version V` is the upgrade's own flag.
  if (word === undefined && (argv.includes('-V') || argv.includes('--version'))) {
    const here = fileURLToPath(import.meta.url);
    program.version((await import('./version.js')).salvoVersion(here), '-V, --version');
  }
  const alone = word !== undefined && Object.hasOwn(ALONE, word) ? ALONE[word] : undefined;
  if (alone) {
    (await alone())(program);
  } else {
    (await import('./commands/index.js')).registerCommands(program);
  }
  return program;
}

export async function main(argv: string[], given: Runtime = {}): Promise<number> {
  runtime.codeId = given.codeId; // each call says it afresh (tests call main more than once)
  try {
    const program = await buildProgram(argv);
    if (argv.length <= 2) {
      // Bare `salvo`: the help, on stdout (it is what was asked for), exit 0.
      process.stdout.write(program.helpInformation());
      return EXIT.ok;
    }
    await program.parseAsync(argv);
    return exitCodeAfterSignal(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  } catch (err) {
    if (err instanceof CommanderError) {
      return commanderExit(err);
    }
    process.stderr.write(renderError(err));
    return exitCodeForError(err);
  }
}

function commanderExit(err: CommanderError): number {
  // --help and --version end through exitOverride too; they are not errors.
  if (
    err.code === 'commander.helpDisplayed' ||
    err.code === 'commander.version' ||
    err.code === 'commander.help'
  ) {
    return EXIT.ok;
  }
  return EXIT.usage;
}
