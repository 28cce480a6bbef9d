// ssh: the entry module; what the rest of Salvo uses from this folder.
export * from './connection.js';
export * from './transport.js';
