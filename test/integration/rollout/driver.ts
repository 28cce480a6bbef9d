// The real start/stop/restart/runs/resume commands with the marker kind in place of the service
// registry, as a process a test can SIGKILL: `node driver.js run SALVO-ARGS…`.
// Does nothing when the test runner loads it as a file.
import { Command, CommanderError } from 'commander';
import { registerOps } from '../../../admin/cli/commands/rollout/ops.js';
import { registerRuns } from '../../../admin/cli/commands/rollout/runs.js';
import { exitCodeAfterSignal } from '../../../admin/cli/interrupt.js';
import { exitCodeForError, renderError } from '../../../admin/cli/render/error.js';
import { markerKinds } from './marker-kind.js';

async function drive(argv: string[]): Promise<number> {
  const kinds = markerKinds(Number(process.env.MARK_STEP_SEC ?? '0.2'));
  const program = new Command('salvo')
    .option('-s, --services <file>', 'services file', 'services.yaml')
    .exitOverride();
  registerOps(program, kinds);
  registerRuns(program, kinds);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCodeAfterSignal(typeof process.exitCode === 'number' ? process.exitCode : 0); // as main() does
  } catch (err) {
    if (err instanceof CommanderError) {
      return 2;
    }
    process.stderr.write(renderError(err));
    return exitCodeForError(err);
  }
}

if (process.argv[2] === 'run') {
  const code = await drive(process.argv.slice(3));
  process.exit(code);
}
