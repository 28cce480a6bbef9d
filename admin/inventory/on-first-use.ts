// Modules the loader needs on some paths only, required on first use rather than at start-up:
// node:crypto hashes guests' MACs (a services file without guests never needs it), and the
// yaml package's Document gives error messages and positions when the fast reader
// (yaml/index.ts) cannot (a valid file never needs it). Loading both up front was part of every
// `salvo check`'s start-up (docs/benchmarks.md, Start-up). Both are CommonJS-loadable, so a
// synchronous require works from these ES modules and from the CLI bundle alike; the yaml
// package's node types are told apart by Symbol.for keys, so its copy here and any bundled copy agree.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

let crypto: typeof import('node:crypto') | undefined;
let yaml: typeof import('yaml') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  crypto ??= requireHere('node:crypto') as typeof import('node:crypto');
  return crypto;
}

export function yamlPackage(): typeof import('yaml') {
  yaml ??= requireHere('yaml') as typeof import('yaml');
  return yaml;
}
