// rules: the entry module; what the rest of Salvo uses from this folder.
export * from './did-you-mean.js';
export * from './keyed.js';
export * from './rules.js';
