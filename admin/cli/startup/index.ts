// startup: the entry module; what the rest of Salvo uses from this folder.
export * from './command-word.js';
export * from './runtime.js';
