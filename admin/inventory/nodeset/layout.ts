// How ClusterShell lays a set of names out: by pattern (the name with its numbers taken out),
// then by folded index vectors. Both `nodeset -e` order and `nodeset -f` text come from this.
import { IndexSet } from './sets/index-set.js';
import { compareOrdered, formatIndexes, sortIndexes } from './sets/indexes.js';
import { type IndexVector, foldPoints } from './fold-nd.js';

/** Names that differ only in their numbers: r1n2 and r10n3 share the pattern r%sn%s. */
export interface PatternLayout {
  texts: string[]; // the text around the numbers: ["r", "n", ""]
  vectors: IndexVector[]; // folded, in ClusterShell's order
}

interface PatternPoints {
  key: string;
  texts: string[];
  points: string[][];
}

/**
 * ClusterShell's pattern key, which decides the order of patterns: numbers become "%s" and
 * "%" is escaped as "%%", exactly as it stores them (so "node%s" sorts before "node-%s").
 */
function patternKey(texts: readonly string[]): string {
  return texts.map((text) => (text.includes('%') ? text.replaceAll('%', '%%') : text)).join('%s');
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** "r1n02" → texts ["r", "n", ""] and indexes ["1", "02"]; a hand loop, as this runs per name. */
function splitName(name: string): { texts: string[]; indexes: string[] } {
  const texts: string[] = [];
  const indexes: string[] = [];
  let textStart = 0;
  for (let i = 0; i < name.length; i++) {
    if (!isDigit(name.charCodeAt(i))) {
      continue;
    }
    let end = i + 1;
    while (end < name.length && isDigit(name.charCodeAt(end))) {
      end++;
    }
    texts.push(name.slice(textStart, i));
    indexes.push(name.slice(i, end));
    textStart = end;
    i = end; // name[end] is not a digit, so the loop may step over it
  }
  texts.push(name.slice(textStart));
  return { texts, indexes };
}

function collectPatterns(names: Iterable<string>): PatternPoints[] {
  const patterns = new Map<string, PatternPoints>();
  for (const name of new Set(names)) {
    const { texts, indexes } = splitName(name);
    const key = patternKey(texts);
    let pattern = patterns.get(key);
    if (pattern === undefined) {
      pattern = { key, texts, points: [] };
      patterns.set(key, pattern);
    }
    pattern.points.push(indexes);
  }
  return [...patterns.values()].sort((a, b) => compareOrdered(a.key, b.key));
}

function foldPattern({ texts, points }: PatternPoints): PatternLayout {
  const dimensions = texts.length - 1;
  if (dimensions === 0) {
    return { texts, vectors: [[]] };
  }
  if (dimensions === 1) {
    return { texts, vectors: [[IndexSet.of(sortIndexes(points.map((p) => p[0] as string)))]] };
  }
  return { texts, vectors: foldPoints(points, dimensions) };
}

/** Distinct names grouped and folded the way ClusterShell does it. */
export function layOut(names: Iterable<string>): PatternLayout[] {
  return collectPatterns(names).map(foldPattern);
}

/** "r[1-2]n3": a range in brackets only when it holds more than one index. */
export function renderVector(texts: readonly string[], vector: IndexVector): string {
  let text = texts[0] ?? '';
  vector.forEach((axis, d) => {
    const indexes = axis.size > 1 ? `[${formatIndexes(axis.sorted)}]` : axis.first;
    text += indexes + (texts[d + 1] ?? '');
  });
  return text;
}
