// The ambient cancel signal: the REPL (Ctrl-C) and `salvo run` wrap each command in one, and
// every Deployment method that talks to hosts uses it when no explicit `signal` is given. So a
// line typed at the prompt needs no `{ signal }` for Ctrl-C to stop its remote work.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<AbortSignal>();

/** Run `work` with `signal` as the signal of every call made from it (awaited calls included). */
export function withCancel<T>(signal: AbortSignal, work: () => T): T {
  return scope.run(signal, work);
}

/** The explicit signal if given, else the ambient one, if any. */
export function currentSignal(explicit?: AbortSignal): AbortSignal | undefined {
  return explicit ?? scope.getStore();
}
