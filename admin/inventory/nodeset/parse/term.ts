// One operand without operators: "storm-db[1-3]", "r[1-2]n[1-3]", "host.example[1-2].net".
import { appendDigits, prependDigits } from './digits.js';
import { IntervalSet } from '../sets/interval-set.js';
import { ordinalOf } from '../sets/ordinal.js';
import type { PatternSet } from '../sets/pattern-set.js';
import { NodeSetProblem } from '../problem.js';
import { normalizeRangeText, parseRanges } from './ranges.js';

type Chunk =
  | { kind: 'text'; text: string; offset: number }
  | { kind: 'brackets'; inner: string; offset: number }; // offset of "["

const LEADING_DIGITS = /^[0-9]*/;
const TRAILING_DIGITS = /[0-9]*$/;

/** Blanks inside a name are kept, as ClusterShell does ("tigrou 1"); wildcards need a node list. */
function checkNameText(text: string, offset: number): void {
  const bad = /[*?]/.exec(text);
  if (bad !== null) {
    throw new NodeSetProblem(`wildcard "${bad[0]}" is not supported`, offset + bad.index);
  }
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

function bracketIndexes(chunks: Chunk[], i: number, inner: string, offset: number): IntervalSet {
  const { leading, trailing } = digitsAround(chunks, i);
  let text = normalizeRangeText(inner, offset + 1);
  if (leading === '' && trailing === '') {
    return parseRanges(text, offset + 1);
  }
  try {
    if (trailing !== '') {
      text = appendDigits(text, trailing, offset);
    }
    if (leading !== '') {
      text = prependDigits(text, leading, offset);
    }
    return parseRanges(text, offset);
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

/** ClusterShell refuses a number in a name above 1e100. */
const LARGEST_INDEX = BigInt(1e100);

/** "host1.example": texts and numbers, each number a one-index position. */
function addText(text: string, offset: number, texts: string[], axes: IntervalSet[]): void {
  const digitRuns = /[0-9]+/g;
  let last = 0;
  for (let match = digitRuns.exec(text); match !== null; match = digitRuns.exec(text)) {
    if (BigInt(match[0]) > LARGEST_INDEX) {
      throw new NodeSetProblem(
        `index ${match[0]} is above 1e100, the largest ClusterShell allows`,
        offset + match.index,
      );
    }
    texts[texts.length - 1] += text.slice(last, match.index);
    const ordinal = ordinalOf(match[0]);
    axes.push(IntervalSet.of([[ordinal, ordinal]]));
    texts.push('');
    last = match.index + match[0].length;
  }
  texts[texts.length - 1] += text.slice(last);
}

/** The names a bracket pattern stands for, as one box of its pattern. */
export function expandPattern(term: string, offset: number): PatternSet {
  const chunks = splitChunks(term, offset);
  checkNeighbours(chunks);
  const texts = [''];
  const axes: IntervalSet[] = [];
  chunks.forEach((chunk, i) => {
    if (chunk.kind === 'text') {
      addText(textPart(chunks, i, chunk.text), chunk.offset, texts, axes);
    } else {
      axes.push(bracketIndexes(chunks, i, chunk.inner, chunk.offset));
      texts.push('');
    }
  });
  return { texts, boxes: [axes] };
}
