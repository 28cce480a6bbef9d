// What every stage of the pipeline shares: where the file is, how to locate a path in it, and
// the list of issues found so far. Stages report and carry on, so one run finds every problem.
import { existsSync } from 'node:fs';
import type { Issue } from '../errors.js';
import { formatPath, type Locator, type Part, type Path } from './positions.js';
import type { SourcePos } from './types.js';

export interface Ctx {
  file: string; // as the caller gave it: issues name the file the way the operator wrote it
  absFile: string;
  dir: string; // relative paths in the file resolve from here
  home: string; // for `~`
  locator: Locator;
  issues: Issue[];
  /** Files whose existence the result depends on (see fileExists). */
  facts: FileFact[];
}

/**
 * Whether a file exists, as a stage found it. A cached inventory (inventory-cache.ts) is reused
 * only while every such fact still holds, so any stage that looks at the file system must ask
 * here, never call fs itself.
 */
export interface FileFact {
  path: string;
  exists: boolean;
}

export function fileExists(ctx: Ctx, path: string): boolean {
  const exists = existsSync(path);
  ctx.facts.push({ path, exists });
  return exists;
}

/** Record a problem with the value (or key) at `path`; the message is prefixed with the path. */
export function report(ctx: Ctx, path: Path, message: string, part: Part = 'value'): void {
  reportAt(ctx, ctx.locator.at(path, part), path, message);
}

/** Record a problem at an exact position, still naming the path it concerns. */
export function reportAt(ctx: Ctx, pos: SourcePos, path: Path, message: string): void {
  const prefix = path.length > 0 ? `${formatPath(path)}: ` : '';
  ctx.issues.push({ file: ctx.file, line: pos.line, col: pos.col, message: prefix + message });
}

/** "services.yaml:3:5", for messages that mention a second place. */
export function where(ctx: Ctx, pos: SourcePos): string {
  return `${ctx.file}:${pos.line}:${pos.col}`;
}

/** Issues in file order, each reported once. */
export function sortedIssues(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const k = `${i.line}:${i.col}:${i.message}`;
    if (seen.has(k)) {
      return false;
    }
    seen.add(k);
    return true;
  });
  return unique.sort((a, b) => a.line - b.line || a.col - b.col);
}
