// One operand without operators: "storm-db[1-3]", "r[1-2]n[1-3]", "host.example[1-2].net".
import { appendDigits, prependDigits } from './digits.js';
import { MAX_NAMES, NodeSetProblem } from './problem.js';
import { normalizeRangeText, parseRanges } from './ranges.js';

type Chunk =
  | { kind: 'text'; text: string; offset: number }
  | { kind: 'brackets'; inner: string; offset: number }; // offset of "["

const LEADING_DIGITS = /^[0-9]*/;
const TRAILING_DIGITS = /[0-9]*$/;

function checkNameText(text: string, offset: number): void {
  const bad = /[\s*?]/.exec(text);
  if (bad === null) {
    return;
  }
  const what = /\s/.test(bad[0])
    ? 'whitespace inside a node name'
    : `wildcard "${bad[0]}" is not supported`;
  throw new NodeSetProblem(what, offset + bad.index);
}

/** Brackets are known to pair up (see splitOperands), so a plain scan is enough. */
function splitChunks(term: string, offset: number): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < term.length) {
    const open = term.indexOf('[', start);
    const textEnd = open < 0 ? term.length : open;
    if (textEnd > start) {
      chunks.push({ kind: 'text', text: term.slice(start, textEnd), offset: offset + start });
    }
    if (open < 0) {
      break;
    }
    const close = term.indexOf(']', open);
    chunks.push({ kind: 'brackets', inner: term.slice(open + 1, close), offset: offset + open });
    start = close + 1;
  }
  for (const chunk of chunks) {
    if (chunk.kind === 'text') {
      checkNameText(chunk.text, chunk.offset);
    }
  }
  return chunks;
}

/** Only digits between two brackets (a[1-2]3[4-5]): nobody can tell which range they extend. */
function checkNeighbours(chunks: Chunk[]): void {
  chunks.forEach((chunk, i) => {
    const [before, after] = [chunks[i - 1], chunks[i + 1]];
    if (chunk.kind === 'brackets' && before?.kind === 'brackets') {
      throw new NodeSetProblem(
        '"[" right after "]": two ranges need something between them',
        chunk.offset,
      );
    }
    const betweenBrackets = before?.kind === 'brackets' && after?.kind === 'brackets';
    if (chunk.kind === 'text' && betweenBrackets && /^[0-9]+$/.test(chunk.text)) {
      throw new NodeSetProblem(
        `digits "${chunk.text}" between two brackets are ambiguous`,
        chunk.offset,
      );
    }
  });
}

function digitsAround(chunks: Chunk[], i: number): { leading: string; trailing: string } {
  const [before, after] = [chunks[i - 1], chunks[i + 1]];
  const leading = before?.kind === 'text' ? (TRAILING_DIGITS.exec(before.text)?.[0] ?? '') : '';
  const trailing = after?.kind === 'text' ? (LEADING_DIGITS.exec(after.text)?.[0] ?? '') : '';
  return { leading, trailing };
}

function bracketIndexes(chunks: Chunk[], i: number, inner: string, offset: number): string[] {
  const { leading, trailing } = digitsAround(chunks, i);
  let text = normalizeRangeText(inner, offset + 1);
  if (leading === '' && trailing === '') {
    return [...new Set(parseRanges(text, offset + 1))];
  }
  try {
    if (trailing !== '') {
      text = appendDigits(text, trailing, offset);
    }
    if (leading !== '') {
      text = prependDigits(text, leading, offset);
    }
    return [...new Set(parseRanges(text, offset))];
  } catch (error) {
    if (!(error instanceof NodeSetProblem)) {
      throw error;
    }
    // The rewritten text is not what the user typed, so point at the bracket.
    throw new NodeSetProblem(`${error.reason} (digits next to a bracket join its range)`, offset);
  }
}

/** Text keeps only what its neighbouring brackets did not take. */
function textPart(chunks: Chunk[], i: number, text: string): string {
  const [before, after] = [chunks[i - 1], chunks[i + 1]];
  let kept = text;
  if (before?.kind === 'brackets') {
    kept = kept.replace(LEADING_DIGITS, '');
  }
  if (after?.kind === 'brackets') {
    kept = kept.replace(TRAILING_DIGITS, '');
  }
  return kept;
}

function cartesianProduct(parts: string[][], offset: number): string[] {
  const total = parts.reduce((count, part) => count * part.length, 1);
  if (total > MAX_NAMES) {
    throw new NodeSetProblem(`expands to more than ${MAX_NAMES} names`, offset);
  }
  let names = [''];
  for (const part of parts) {
    names = names.flatMap((prefix) => part.map((piece) => prefix + piece));
  }
  return names;
}

/** Every name a bracket pattern stands for (distinct, in no particular order). */
export function expandPattern(term: string, offset: number): string[] {
  const chunks = splitChunks(term, offset);
  checkNeighbours(chunks);
  const parts = chunks.map((chunk, i) =>
    chunk.kind === 'text'
      ? [textPart(chunks, i, chunk.text)]
      : bracketIndexes(chunks, i, chunk.inner, chunk.offset),
  );
  return cartesianProduct(parts, offset);
}
