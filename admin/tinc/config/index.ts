// config: the entry module; what the rest of Salvo uses from this folder.
export * from './host-file.js';
export * from './names.js';
export * from './tinc-conf.js';
export * from './up-down.js';
