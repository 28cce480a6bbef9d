import { setMaxListeners } from 'node:events';
// Ctrl-C during a run: the first one aborts (remote process groups are killed and partial results
// are printed), a second one exits at once.
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // Every host's run listens on this one signal; 200 listeners are expected, not a leak.
  setMaxListeners(0, controller.signal);
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: stopping remote commands (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
