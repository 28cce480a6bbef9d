// The layers of admin/, bottom first: the one place their order is written. A module may import
// from its own layer or one below; folders that share a line are one layer (they may use each
// other, never in a cycle). A new subsystem is one more name on its line.
export const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'types', 'fs'],
  ['cache'],
  ['inventory'],
  ['transport'],
  ['fleet'],
  ['deployment'],
  ['probes'],
  ['services', 'tinc', 'cassandra', 'backup', 'vm', 'monitor'],
  ['rollout'],
  ['cli', 'repl'],
];

/** Lab code (stand-ins, lab up/down): product code never imports it, except these modules. */
export const LAB = 'lab';
export const LAB_USERS: readonly RegExp[] = [
  /^cli\/commands\/lab\.ts$/,
  /^cli\/render\/lab[^/]*\.ts$/,
  /^cli\/demo\//,
];
