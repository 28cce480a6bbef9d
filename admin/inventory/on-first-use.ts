// Modules the loader needs on some paths only (admin/lazy says why on first use): node:crypto
// hashes guests' MACs (a services file without guests never needs it), and the yaml package's
// Document gives error messages and positions when the fast reader (yaml/index.ts) cannot (a
// valid file never needs it). The yaml package's node types are told apart by Symbol.for keys,
// so its copy loaded here and any bundled copy agree.
import { onFirstUse } from '../lazy/index.js';

export const nodeCrypto = onFirstUse<typeof import('node:crypto')>('node:crypto');

export const yamlPackage = onFirstUse<typeof import('yaml')>('yaml');
