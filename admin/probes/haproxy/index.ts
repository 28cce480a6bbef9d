// haproxy probes: the runtime API over its admin socket (runtime.ts) and parsers of what it
// answers (`show stat`: stat.ts; `show servers state`: servers-state.ts).
export * from './runtime.js';
export * from './servers-state.js';
export * from './stat.js';
