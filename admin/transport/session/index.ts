// session: the entry module; what the rest of Salvo uses from this folder.
export * from './markers.js';
export * from './shell-session.js';
export * from './wrap.js';
