// Stage 1: YAML text → plain data plus a Locator for positions. YAML 1.2 (the yaml package's
// default), so `on`, `off`, `yes` and `no` are plain strings, as compute_servers wants them.
import type { Document, LineCounter, Pair, YAMLError } from 'yaml';
import type { Issue } from '../errors.js';
import { DocLocator, type Locator } from './positions.js';
import { yamlPackage } from './on-first-use.js';
import { parseFast } from './yaml/index.js';

export type ParsedYaml =
  | { ok: true; data: unknown; locator: Locator }
  | { ok: false; issues: Issue[] };

export function parseYaml(text: string, file: string): ParsedYaml {
  const fast = parseFast(text, file, () => docLocator(text, file));
  if (fast) {
    return { ok: true, ...fast };
  }
  return parseSlow(text, file);
}

/** The yaml package's Document: every node's range, and the messages for every mistake. */
function parseSlow(text: string, file: string): ParsedYaml {
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  // yaml's own unique-key check compares every key with every other (100,000 host keys: minutes);
  // duplicateKeys() does the same check in linear time.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  // Warnings (an unknown !tag, say) count too: such a file does not mean what it seems to.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return { ok: false, issues: firstPerLine(problems.map((e) => yamlIssue(e, file, text))) };
  }
  const dups = duplicateKeys(doc, file, lines);
  if (dups.length > 0) {
    return { ok: false, issues: firstPerLine(dups) };
  }
  try {
    return {
      ok: true,
      data: doc.toJS({ maxAliasCount: 1000 }),
      locator: new DocLocator(file, text, doc, lines),
    };
  } catch (err) {
    // toJS refuses alias bombs ("Excessive alias count"); say so at the top of the file.
    return {
      ok: false,
      issues: [{ file, line: 1, col: 1, message: `invalid YAML: ${(err as Error).message}` }],
    };
  }
}

/** Positions in a text the fast path read (only asked for when it cannot tell). */
function docLocator(text: string, file: string): Locator {
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return new DocLocator(file, text, doc, lines);
}

/** Keys written twice in one map, each at the second one (yaml's message and place). */
function duplicateKeys(doc: Document, file: string, lines: LineCounter): Issue[] {
  const out: Issue[] = [];
  const { isMap, visit } = yamlPackage();
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) {
        return;
      }
      const seen = new Set<string>();
      for (const pair of map.items as Pair[]) {
        const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
        const text = key && 'value' in key ? String(key.value) : JSON.stringify(key);
        if (seen.has(text)) {
          const { line, col } = lines.linePos(key?.range?.[0] ?? 0);
          out.push({ file, line, col, message: 'invalid YAML: Map keys must be unique' });
        }
        seen.add(text);
      }
    },
  });
  return out;
}

/** yaml's messages end with " at line L, column C:" and a code excerpt; keep the sentence. */
function yamlIssue(e: YAMLError, file: string, text: string): Issue {
  const where = e.linePos?.[0] ?? { line: 1, col: 1 };
  const sentence = e.message.split(/ at line \d+, column \d+/)[0]!.trim();
  const hint = hintFor(sentence, text.split('\n')[where.line - 1] ?? '');
  return { file, line: where.line, col: where.col, message: `invalid YAML: ${sentence}${hint}` };
}

// `{ hosts: cloud[1-3] }`: inside a flow collection, brackets are YAML syntax, not a node set.
const BARE_RANGE = /(^|[\s{,[])[\w.-]+\[[^\]"']*\]/;

/** The two mistakes node-set syntax invites: brackets or a leading @ unquoted. */
function hintFor(sentence: string, line: string): string {
  if (sentence.includes('reserved character @')) {
    return ' (quote values that start with @: "@web")';
  }
  if (/[{[]/.test(line) && BARE_RANGE.test(line)) {
    return ' (inside { } or [ ], quote node sets: "cloud[1-3]")';
  }
  return '';
}

/** One mistake often derails the parser for the rest of its line: keep the first error of each. */
function firstPerLine(issues: Issue[]): Issue[] {
  const lines = new Set<number>();
  return issues.filter((i) => !lines.has(i.line) && !!lines.add(i.line));
}
