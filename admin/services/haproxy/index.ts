// haproxy: the entry module; what the rest of Salvo uses from this folder.
export * from './config.js';
export * from './kind.js';
export * from './scripts.js';
