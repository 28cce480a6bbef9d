// ~/.ssh/config → a flat list of directives, each with the Host conditions it sits under.
// Parsing is the ssh-config package's; Include, line numbers and evaluation are ours (its compute()
// runs `Match exec` commands by default and its globs differ from ssh's).
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { ConfigError, type Issue } from '../../errors.js';
import { matchPattern } from './host-pattern.js';

/** One criterion of a `Match` line: `host a,b`, `!user root`, `all`, `final`. */
export interface MatchCriterion {
  name: string; // lowercased: all, host, originalhost, user, localuser, canonical, final
  negate: boolean;
  patterns: string[]; // split on commas; empty for all / canonical / final
}

/** A condition a directive sits under: a `Host` pattern list or a `Match` line. */
export type Condition =
  | { kind: 'host'; patterns: string[] }
  | { kind: 'match'; criteria: MatchCriterion[] };

export interface ConfigItem {
  param: string; // lowercased: ssh keywords are case-insensitive
  values: string[];
  file: string;
  line: number;
  when: Condition[]; // all must hold (a Host inside an Included file inside a Host block)
}

export interface SshConfig {
  items: ConfigItem[];
  notes: Issue[]; // things Salvo reads differently from ssh, for a warning
}

const MAX_DEPTH = 16; // as OpenSSH's READCONF_MAX_DEPTH
const cache = new Map<string, { mtimeMs: number; size: number; lines: SSHConfig }>();

/** Forget parsed files (they are also re-read when their mtime or size changes). */
export function clearSshConfigCache(): void {
  cache.clear();
}

/** Read a config file and what it Includes; a missing file is an empty config. */
export async function readSshConfig(file: string, home: string): Promise<SshConfig> {
  const out: SshConfig = { items: [], notes: [] };
  await flattenFile(file, home, [], 0, out);
  return out;
}

async function flattenFile(
  file: string,
  home: string,
  when: Condition[],
  depth: number,
  out: SshConfig,
): Promise<void> {
  if (depth > MAX_DEPTH) {
    throw new ConfigError([
      { file, line: 1, col: 1, message: 'Include nested too deep (a loop?)' },
    ]);
  }
  const lines = await parseCached(file);
  if (lines === null) {
    return;
  }
  let lineNo = 1;
  const visit = async (node: Line, under: Condition[]): Promise<void> => {
    lineNo += countNewlines(node.before);
    const here = lineNo;
    lineNo += countNewlines(node.after);
    if (node.type !== LineType.DIRECTIVE) {
      return;
    }
    const param = node.param.toLowerCase();
    const values = valuesOf(node.value);
    if ('config' in node) {
      const cond = sectionCondition(param, values, file, here);
      for (const child of node.config) {
        await visit(child, cond === null ? when : [...when, cond]);
      }
    } else if (param === 'include') {
      for (const included of await expandInclude(values, home)) {
        await flattenFile(included, home, under, depth + 1, out);
      }
    } else {
      out.items.push({ param, values, file, line: here, when: under });
    }
  };
  for (const node of lines) {
    await visit(node, when);
  }
}

// Match criteria Salvo evaluates as ssh does. `exec` (runs a command), `localnetwork` and
// `tagged` are refused: ignoring them could send a connection where ssh would not.
const MATCH_WITH_ARG = new Set(['host', 'originalhost', 'user', 'localuser']);
const MATCH_BARE = new Set(['all', 'canonical', 'final']);

/** `Host` → its patterns; `Match all` → no condition; other `Match` lines → their criteria. */
function sectionCondition(
  param: string,
  values: string[],
  file: string,
  line: number,
): Condition | null {
  if (param === 'host') {
    return { kind: 'host', patterns: values };
  }
  if (values.length === 1 && values[0]?.toLowerCase() === 'all') {
    return null;
  }
  const fail = (message: string): ConfigError =>
    new ConfigError([
      { file, line, col: 1, message: `ssh_config: Match ${values.join(' ')}: ${message}` },
    ]);
  const words = values.flatMap((v) => v.split(/\s+/)).filter((w) => w !== '');
  const criteria: MatchCriterion[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const negate = word.startsWith('!');
    const name = (negate ? word.slice(1) : word).toLowerCase();
    if (MATCH_BARE.has(name)) {
      criteria.push({ name, negate, patterns: [] });
    } else if (MATCH_WITH_ARG.has(name)) {
      const arg = words[++i];
      if (arg === undefined) {
        throw fail(`"${name}" needs an argument`);
      }
      criteria.push({ name, negate, patterns: arg.split(',') });
    } else {
      throw fail(
        `the criterion "${name}" is not supported by Salvo (supported: all, host, originalhost, user, localuser, canonical, final); use ssh.config to point at a config without it, or null`,
      );
    }
  }
  return { kind: 'match', criteria };
}

function valuesOf(value: string | { val: string }[]): string[] {
  return typeof value === 'string' ? [value] : value.map((v) => v.val);
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) {
    if (c === '\n') {
      n++;
    }
  }
  return n;
}

/** Parsed lines of a file, re-parsed only when it changed; null when it does not exist. */
async function parseCached(file: string): Promise<SSHConfig | null> {
  let st: Stats;
  try {
    st = await stat(file);
  } catch {
    return null;
  }
  const hit = cache.get(file);
  if (hit !== undefined && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
    return hit.lines;
  }
  const text = await readFile(file, 'utf8');
  const lines = parseText(text, file);
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, lines });
  return lines;
}

function parseText(text: string, file: string): SSHConfig {
  try {
    return SSHConfig.parse(text);
  } catch (err) {
    // The package's errors carry no position: find the first line that fails on its own.
    const all = text.split('\n');
    const index = all.findIndex((l) => !parsesAlone(l));
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError([
      { file, line: index < 0 ? 1 : index + 1, col: 1, message: `ssh_config: ${message}` },
    ]);
  }
}

function parsesAlone(line: string): boolean {
  try {
    SSHConfig.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** Include arguments → files, in ssh's order. Relative paths are under ~/.ssh; `*` and `?` glob
 * in the last path component only (enough for `config.d/*`). */
async function expandInclude(patterns: string[], home: string): Promise<string[]> {
  const files: string[] = [];
  for (const raw of patterns) {
    const tilded = raw.startsWith('~/') ? join(home, raw.slice(2)) : raw;
    const path = isAbsolute(tilded) ? tilded : join(home, '.ssh', tilded);
    const name = basename(path);
    if (!/[*?]/.test(name)) {
      files.push(path);
      continue;
    }
    const names = await readdir(dirname(path)).catch(() => [] as string[]);
    // As glob(3): a wildcard never matches a leading dot (editor backups, .DS_Store).
    const hits = names.filter(
      (n) => (name.startsWith('.') || !n.startsWith('.')) && matchPattern(n, name),
    );
    files.push(...hits.sort().map((n) => join(dirname(path), n)));
  }
  return files;
}
