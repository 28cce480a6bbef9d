// The `salvo` command line. Parses flags, calls the library, renders its results. No logic here
// that the library lacks; each command lives in its own lazily imported file.
import { Command, CommanderError } from 'commander';
import { exitCodeForError, renderError } from './render/error.js';
import { EXIT } from '../fleet/outcome.js';
import { registerCommands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('salvo')
    .description('Operate a hosted compute cloud from one services file')
    .option('-s, --services <file>', 'services file (env SALVO_SERVICES)', process.env.SALVO_SERVICES ?? 'services.yaml')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    process.stderr.write(renderError(err));
    return exitCodeForError(err);
  }
}

function commanderExit(err: CommanderError): number {
  // --help and --version end through exitOverride too; they are not errors.
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
  return EXIT.usage;
}
