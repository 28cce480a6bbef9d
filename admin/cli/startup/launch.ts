// What bin/salvo needs before the CLI itself is loaded, bundled on its own as dist/cli/launch.cjs:
// bin/salvo is CommonJS (an ES module entry costs node ~4 ms more to start) and loads this with
// a plain require.
export { loadBundle } from './code-cache.js';
export { asksOnlyVersion, codeCacheName, commandWord } from './command-word.js';
export { exitWhenFlushed } from './exit-flushed.js';
export { salvoVersion } from '../version.js';
