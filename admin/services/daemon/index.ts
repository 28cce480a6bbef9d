// daemon: the entry module; what the rest of Salvo uses from this folder.
export * from './apps.js';
export * from './daemon.js';
export * from './kind.js';
export * from './scripts.js';
