// Ctrl-C or SIGTERM during a run: the first one aborts (remote process groups are killed, a
// rollout journals itself interrupted, partial results are printed), a second one exits at once.
// SIGTERM is what systemd, a cron wrapper's timeout or `kill` send: left to Node's default it
// would kill Salvo mid-step with nothing journaled, reported or cleaned up on the hosts.
import { setMaxListeners } from 'node:events';
import { EXIT } from '../fleet/outcome.js';

/** The exit code of a run stopped by each signal: 128 + its number, as a shell reports one killed by it. */
const SIGNAL_EXIT = { SIGINT: EXIT.aborted, SIGTERM: EXIT.terminated } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

/** The signal that stopped the latest run, for its exit code (see exitCodeAfterSignal). */
let stoppedBy: StopSignal | undefined;

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // Every host's run listens on this one signal; 200 listeners are expected, not a leak.
  setMaxListeners(0, controller.signal);
  stoppedBy = undefined;
  const handlers = (Object.keys(SIGNAL_EXIT) as StopSignal[]).map((name) => {
    const handler = (): void => {
      if (controller.signal.aborted) {
        process.exit(SIGNAL_EXIT[name]);
      }
      stoppedBy = name;
      process.stderr.write(
        name === 'SIGINT'
          ? '\ninterrupted: stopping remote commands (Ctrl-C again to quit at once)\n'
          : '\nterminated (SIGTERM): stopping remote commands (a second signal quits at once)\n',
      );
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    return await work(controller.signal);
  } finally {
    for (const [name, handler] of handlers) {
      process.off(name, handler);
    }
  }
}

/** Did a signal stop the latest run? (Commands whose own exit code cannot say so ask this.) */
export const wasInterrupted = (): boolean => stoppedBy !== undefined;

/**
 * The process's exit code: a run that ended interrupted (EXIT.aborted) because of a signal says
 * which one (130 Ctrl-C, 143 SIGTERM); any other code, or an interruption without a signal (a
 * lost lock), is left as it is. Commands set EXIT.aborted; main() passes its code through this.
 */
export function exitCodeAfterSignal(code: number): number {
  return code === EXIT.aborted && stoppedBy ? SIGNAL_EXIT[stoppedBy] : code;
}
