// schema: the entry module; what the rest of Salvo uses from this folder.
export * from './check.js';
export * from './kinds.js';
export * from './monitor.js';
export * from './nginx-options.js';
export * from './schema.js';
export * from './service-options.js';
