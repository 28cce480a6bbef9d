// netns: the entry module; what the rest of Salvo uses from this folder.
export * from './down.js';
export * from './host-files.js';
export * from './host-start.js';
export * from './state.js';
export * from './status.js';
export * from './up.js';
export * from './vms.js';
