// The backup rules file (services file: `backup: { rules: backup/rules.yaml }`) → validated
// BackupRules. Every problem is collected with its file:line:col, as for the services file:
// validate.ts checks the document, targets.ts places each source's copies.
import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../../errors.js';
import { parseYaml } from '../../inventory/parse-yaml.js';
import type { Inventory } from '../../inventory/types.js';
import type { BackupRules } from '../types.js';
import { Validator } from './validate.js';

export { DEFAULT_CRON } from './validate.js';
export { chooseTargets, physicalHost } from './targets.js';

/** Read and validate the rules file the services file names; ConfigError lists every problem. */
export async function loadRules(inv: Inventory): Promise<BackupRules> {
  if (!inv.backup) {
    throw new UsageError(
      `${inv.file}: no backup section (add \`backup: { rules: backup/rules.yaml }\`; docs/backup.md)`,
    );
  }
  const file = inv.backup.rules;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { file, line: 1, col: 1, message: `cannot read the backup rules: ${(err as Error).message}` },
    ]);
  }
  return parseRules(text, file, inv);
}

/** Validate the text of a rules file against the deployment's hosts and groups. */
export function parseRules(text: string, file: string, inv: Inventory): BackupRules {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) {
    throw new ConfigError(parsed.issues);
  }
  const v = new Validator(parsed.locator, inv);
  const rules = v.rules(parsed.data);
  if (v.issues.length) {
    throw new ConfigError(v.issues.sort((a, b) => a.line - b.line || a.col - b.col));
  }
  return rules;
}
