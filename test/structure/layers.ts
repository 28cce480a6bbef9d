// The layers of admin/, bottom first: the one place their order is written. A module may import
// from its own layer or one below; folders that share a line are one layer (they may use each
// other, never in a cycle). A new subsystem is one more name on its line.
export const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'types', 'fs', 'lazy'],
  ['cache'],
  ['inventory'],
  ['transport'],
  ['fleet'],
  ['probes'],
  ['services', 'tinc', 'cassandra', 'backup', 'vm'],
  ['rollout'],
  ['monitor'],
  ['deployment'],
  ['index', 'tmux'],
  ['release'],
  ['cli', 'repl'],
];

/**
 * The one allowed upward reference: a subsystem is handed the Deployment it works on and may
 * name its type (`import type`), never load its code. The Deployment is the library's top: it
 * offers every subsystem's methods, so it sits above them all.
 */
export const TYPE_ONLY_FROM_BELOW: readonly string[] = [
  'deployment/deployment.ts',
  // The library entry (admin/index.ts) re-exports the types release scripts are written
  // against; the release runner, above it, hands those scripts the library itself.
  'release/index.ts',
];

/** Lab code (stand-ins, lab up/down): product code never imports it, except these modules. */
export const LAB = 'lab';
export const LAB_USERS: readonly RegExp[] = [
  /^cli\/commands\/program\/lab\.ts$/,
  /^cli\/render\/program\/lab[^/]*\.ts$/,
  /^cli\/demo\//,
];
