// vm: the entry module — the qemu driver (remote script, guest specs, status, identity).
export * from './guest.js';
export * from './ops.js';
export * from './parse.js';
export * from './script.js';
export * from './events.js';
export * from './image/index.js';
