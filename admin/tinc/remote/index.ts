// remote: the entry module; what the rest of Salvo uses from this folder.
export * from './commands.js';
export * from './paths.js';
export * from './probe.js';
