// The text between brackets: "1-7,10-21", "01-10", "1-10/3", "-5--1", Ansible's "1:21".
import { checkPieces, spend } from '../budget.js';
import { IntervalSet } from '../sets/interval-set.js';
import { ordinalOf, rangeOrdinals, toOrdinal } from '../sets/ordinal.js';
import { NodeSetProblem } from '../problem.js';

/** One comma-separated item of a bracket, with its offset in the whole expression. */
interface RangeItem {
  text: string;
  offset: number;
}

const DIGITS = /^[0-9]+$/;

/** Split "1-3, 5" into its items, keeping where each one starts (after its blanks). */
function splitRangeItems(inner: string, innerOffset: number): RangeItem[] {
  const items: RangeItem[] = [];
  let start = 0;
  for (const piece of inner.split(',')) {
    const blanks = piece.length - piece.trimStart().length;
    items.push({ text: piece.trim(), offset: innerOffset + start + blanks });
    start += piece.length + 1;
  }
  return items;
}

/** Ansible writes ranges as [1:21] or [1:21:2]; we read them as ClusterShell's 1-21 and 1-21/2. */
function fromAnsible(item: RangeItem): RangeItem {
  if (!item.text.includes(':')) {
    return item;
  }
  const parts = item.text.split(':');
  if (/[-/]/.test(item.text)) {
    throw new NodeSetProblem(
      `"${item.text}" mixes Ansible's start:end[:step] with start-end/step`,
      item.offset,
    );
  }
  if (parts.length > 3) {
    throw new NodeSetProblem(`"${item.text}" is neither start:end nor start:end:step`, item.offset);
  }
  const [start, end, step] = parts;
  return { ...item, text: `${start}-${end}${step === undefined ? '' : `/${step}`}` };
}

/** Rewrite every Ansible-style item of a bracket into ClusterShell syntax. */
export function normalizeRangeText(inner: string, innerOffset: number): string {
  return splitRangeItems(inner, innerOffset)
    .map((item) => fromAnsible(item).text)
    .join(',');
}

function parseStep(text: string, item: RangeItem): bigint {
  if (!DIGITS.test(text)) {
    throw new NodeSetProblem(`step "${text}" is not a number`, item.offset);
  }
  const step = BigInt(text);
  if (step < 1n) {
    throw new NodeSetProblem(`step must be at least 1 in "${item.text}"`, item.offset);
  }
  return step;
}

/** ClusterShell refuses indexes above 1e100 (the float: compared exactly, as Python does). */
const LARGEST_INDEX = BigInt(1e100);
/** ClusterShell refuses a range of 1e9 indexes or more, whatever its step. */
const LONGEST_RANGE = 1_000_000_000n;

function parseNumber(text: string, item: RangeItem): bigint {
  if (!DIGITS.test(text)) {
    throw new NodeSetProblem(`"${item.text}" is not a number or a range of numbers`, item.offset);
  }
  const value = BigInt(text);
  if (value > LARGEST_INDEX) {
    throw new NodeSetProblem(
      `index ${text} is above 1e100, the largest ClusterShell allows`,
      item.offset,
    );
  }
  return value;
}

/** "01": its width counts. "00" as an end does not (ClusterShell reads it as unpadded). */
function padOf(text: string, asEnd: boolean): number {
  if (text.length < 2 || !text.startsWith('0')) {
    return 0;
  }
  return asEnd && !/[1-9]/.test(text) ? 0 : text.length;
}

interface Bounds {
  start: string;
  end: string;
  startSign: bigint;
  endSign: bigint;
}

/** "3-5", "-5" (one negative index), "-3-2", "-8--4", as ClusterShell 1.9.1 splits them. */
function splitBounds(base: string, item: RangeItem): Bounds {
  const parts = base.split('-').map((part) => part.trim());
  const bad = (): never => {
    throw new NodeSetProblem(`"${item.text}" is not a number or a range of numbers`, item.offset);
  };
  if (parts.length === 2) {
    const [start, end] = parts as [string, string];
    if (start === '') {
      return { start: end, end, startSign: -1n, endSign: -1n };
    }
    return { start, end, startSign: 1n, endSign: 1n };
  }
  if (parts[0] !== '') {
    return bad();
  }
  if (parts.length === 3) {
    return { start: parts[1] as string, end: parts[2] as string, startSign: -1n, endSign: 1n };
  }
  if (parts.length === 4 && parts[2] === '') {
    return { start: parts[1] as string, end: parts[3] as string, startSign: -1n, endSign: -1n };
  }
  return bad();
}

function rangeIntervals(bounds: Bounds, step: bigint, item: RangeItem): [bigint, bigint][] {
  const { start, end, startSign, endSign } = bounds;
  const [first, last] = [parseNumber(start, item) * startSign, parseNumber(end, item) * endSign];
  const [pad, endPad] = [padOf(start, false), padOf(end, true)];
  if ((pad > 0 || endPad > 0) && start.length !== end.length) {
    throw new NodeSetProblem(
      `padding mismatch in "${item.text}": zero-padded bounds must have the same number of digits`,
      item.offset,
    );
  }
  if (pad > 0 && startSign < 0n) {
    throw new NodeSetProblem(
      `zero padding is not supported in negative ranges: "${item.text}"`,
      item.offset,
    );
  }
  if (first > last) {
    const [from, to] = [(startSign < 0n ? '-' : '') + start, (endSign < 0n ? '-' : '') + end];
    throw new NodeSetProblem(`range start ${from} is greater than end ${to}`, item.offset);
  }
  if (last - first + 1n >= LONGEST_RANGE) {
    throw new NodeSetProblem(
      `range "${item.text}" has more than ${LONGEST_RANGE - 1n} indexes (ClusterShell's limit)`,
      item.offset,
    );
  }
  if (step === 1n) {
    return rangeOrdinals(first, last, pad);
  }
  const points = (last - first) / step + 1n;
  checkPieces(Number(points));
  spend(Number(points));
  const out: [bigint, bigint][] = [];
  for (let value = first; value <= last; value += step) {
    const ordinal = toOrdinal(value, value < 0n ? 0 : pad);
    out.push([ordinal, ordinal]);
  }
  return out;
}

function itemIntervals(item: RangeItem): [bigint, bigint][] {
  if (item.text === '') {
    throw new NodeSetProblem('empty range between brackets or commas', item.offset);
  }
  const slash = item.text.indexOf('/');
  const base = slash < 0 ? item.text : item.text.slice(0, slash);
  const stepText = slash < 0 ? undefined : item.text.slice(slash + 1);
  const step = stepText === undefined ? 1n : parseStep(stepText.trim(), item);
  if (!base.includes('-')) {
    if (stepText !== undefined) {
      throw new NodeSetProblem(
        `"${item.text}" has a step but no range (as in 1-10/2)`,
        item.offset,
      );
    }
    const text = base.trim();
    parseNumber(text, item);
    const ordinal = ordinalOf(text);
    return [[ordinal, ordinal]];
  }
  return rangeIntervals(splitBounds(base, item), step, item);
}

/** The indexes named between one pair of brackets. */
export function parseRanges(inner: string, innerOffset: number): IntervalSet {
  const intervals: [bigint, bigint][] = [];
  for (const item of splitRangeItems(inner, innerOffset)) {
    for (const interval of itemIntervals(fromAnsible(item))) {
      intervals.push(interval);
    }
    checkPieces(intervals.length);
  }
  return IntervalSet.of(intervals);
}
