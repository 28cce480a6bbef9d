// Services-file text into a validated Inventory: parse → schema → normalize → rules.
// Every problem is collected first, then thrown together as one ConfigError (never a stack trace).
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError, InternalError } from '../errors.js';
import { checkSchema } from './schema/index.js';
import { sortedIssues, type Ctx, type FileFact } from './context.js';
import { normalize, type Draft } from './sections/normalize.js';
import { parseYaml } from './parse-yaml.js';
import { checkRules } from './rules/index.js';
import type { Inventory } from './types.js';

export interface ParseOptions {
  home?: string; // for `~` and the default ~/.ssh/config (default: the user's home)
}

/** Validate services-file text; `file` names it in messages and anchors its relative paths. */
export function parseInventory(text: string, file: string, options: ParseOptions = {}): Inventory {
  return parseInventoryWithFacts(text, file, options).inventory;
}

/** The same, with the file-existence facts the result depends on (for the inventory cache). */
export function parseInventoryWithFacts(
  text: string,
  file: string,
  options: ParseOptions = {},
): { inventory: Inventory; facts: FileFact[] } {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) {
    throw new ConfigError(parsed.issues);
  }
  const absFile = resolve(file);
  const ctx: Ctx = {
    file,
    absFile,
    dir: dirname(absFile),
    home: options.home ?? homedir(),
    locator: parsed.locator,
    issues: [],
    facts: [],
  };
  const checked = checkSchema(parsed.data, ctx);
  const draft = checked && normalize(checked, ctx);
  if (draft) {
    checkRules(draft, ctx);
  }
  if (ctx.issues.length > 0 || !draft) {
    throw new ConfigError(sortedIssues(ctx.issues));
  }
  return { inventory: finish(draft), facts: ctx.facts };
}

/** With no issues, every section the Inventory requires is there. */
function finish(draft: Draft): Inventory {
  const { deployment, ssh, file, dir } = draft;
  if (deployment === undefined || ssh === undefined || file === undefined || dir === undefined) {
    throw new InternalError('services file passed validation but a required section is missing');
  }
  const inv: Inventory = {
    file,
    dir,
    deployment,
    ssh,
    ports: draft.ports ?? {},
    hosts: draft.hosts,
    groups: draft.groups,
    services: draft.services,
    computeServers: draft.computeServers,
  };
  if (draft.tinc) {
    inv.tinc = draft.tinc;
  }
  if (draft.backup) {
    inv.backup = draft.backup;
  }
  if (draft.monitor) {
    inv.monitor = draft.monitor;
  }
  if (draft.lockHosts?.length) {
    inv.lockHosts = draft.lockHosts;
  }
  return inv;
}
