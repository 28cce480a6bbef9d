// lazy: the one way Salvo loads a module on first use instead of at start-up. Every command
// loads the whole CLI (or the check bundle), so a module imported at the top of any of its files
// is paid for by every `salvo …` run, used or not (docs/benchmarks.md, Start-up).
// Loaded by require, not import(): from the CLI's code-cached bundle, a dynamic import() of a
// package or a built-in prints Node 20's experimental warning. Everything loaded this way must be
// CommonJS-loadable (built-ins, and the packages named here). The require resolves from this
// module's place, which in the bundle is the bundle's (import.meta.url is defined as its file):
// the same node_modules either way.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A getter for the module `id`, loaded when the getter is first called and kept.
 * `T` is the module's type: `onFirstUse<typeof import('node:v8')>('node:v8')`.
 */
export function onFirstUse<T>(id: string): () => T {
  let mod: T | undefined;
  return () => {
    mod ??= requireHere(id) as T;
    return mod;
  };
}
