// cassandra: the entry module; what the rest of Salvo uses from this folder.
export * from './kind.js';
