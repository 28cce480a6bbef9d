// ssh-config: the entry module; what the rest of Salvo uses from this folder.
export * from './host-pattern.js';
export * from './resolve.js';
