// hostkeys: the entry module; what the rest of Salvo uses from this folder.
export * from './known-hosts/index.js';
export * from './trust.js';
export * from './verify.js';
