// loopback: the entry module; what the rest of Salvo uses from this folder.
export * from './down.js';
export * from './state.js';
export * from './status.js';
export * from './up.js';
