// The text between brackets: "1-7,10-21", "01-10", "1-10/3", Ansible's "1:21".
import { isPadded } from './indexes.js';
import { MAX_NAMES, NodeSetProblem } from './problem.js';

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

function parseStep(text: string, item: RangeItem): number {
  if (!DIGITS.test(text)) {
    throw new NodeSetProblem(`step "${text}" is not a number`, item.offset);
  }
  const step = Number(text);
  if (step < 1) {
    throw new NodeSetProblem(`step must be at least 1 in "${item.text}"`, item.offset);
  }
  return step;
}

function parseBound(text: string, item: RangeItem): number {
  if (text === '') {
    throw new NodeSetProblem(`negative indexes are not supported: "${item.text}"`, item.offset);
  }
  if (!DIGITS.test(text)) {
    throw new NodeSetProblem(`"${item.text}" is not a number or a range of numbers`, item.offset);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new NodeSetProblem(`index ${text} is too large`, item.offset);
  }
  return value;
}

/** ClusterShell reads an end like "00" as unpadded, so only an end with a nonzero digit counts. */
function checkPadding(start: string, end: string, item: RangeItem): void {
  const endPadded = isPadded(end) && /[1-9]/.test(end);
  if ((isPadded(start) || endPadded) && start.length !== end.length) {
    throw new NodeSetProblem(
      `padding mismatch in "${item.text}": zero-padded bounds must have the same number of digits`,
      item.offset,
    );
  }
}

function expandRange(start: string, end: string, step: number, item: RangeItem): string[] {
  const [first, last] = [parseBound(start, item), parseBound(end, item)];
  checkPadding(start, end, item);
  if (first > last) {
    throw new NodeSetProblem(`range start ${start} is greater than end ${end}`, item.offset);
  }
  if ((last - first) / step >= MAX_NAMES) {
    throw new NodeSetProblem(
      `range "${item.text}" has more than ${MAX_NAMES} indexes`,
      item.offset,
    );
  }
  const width = isPadded(start) ? start.length : 0;
  const indexes: string[] = [];
  for (let index = first; index <= last; index += step) {
    indexes.push(String(index).padStart(width, '0'));
  }
  return indexes;
}

/** A lone index is kept as written, however long: it needs no arithmetic. */
function singleIndex(text: string, item: RangeItem): string {
  if (DIGITS.test(text)) {
    return text;
  }
  throw new NodeSetProblem(`"${item.text}" is not a number or a range of numbers`, item.offset);
}

function expandItem(item: RangeItem): string[] {
  if (item.text === '') {
    throw new NodeSetProblem('empty range between brackets or commas', item.offset);
  }
  const slash = item.text.indexOf('/');
  const base = slash < 0 ? item.text : item.text.slice(0, slash);
  const stepText = slash < 0 ? undefined : item.text.slice(slash + 1);
  const step = stepText === undefined ? 1 : parseStep(stepText.trim(), item);
  const dash = base.indexOf('-');
  if (dash < 0) {
    if (stepText !== undefined) {
      throw new NodeSetProblem(
        `"${item.text}" has a step but no range (as in 1-10/2)`,
        item.offset,
      );
    }
    return [singleIndex(base.trim(), item)];
  }
  const [start, end] = [base.slice(0, dash).trim(), base.slice(dash + 1).trim()];
  if (end.includes('-')) {
    throw new NodeSetProblem(`negative indexes are not supported: "${item.text}"`, item.offset);
  }
  return expandRange(start, end, step, item);
}

/** All indexes named between one pair of brackets, in the order written (duplicates possible). */
export function parseRanges(inner: string, innerOffset: number): string[] {
  return splitRangeItems(inner, innerOffset).flatMap((item) => expandItem(fromAnsible(item)));
}
