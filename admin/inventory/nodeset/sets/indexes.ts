// Node indexes ("7", "007") and how ClusterShell 1.9 orders and folds them.
// An index is kept as its digit string: "01" and "1" are different nodes.

/**
 * ClusterShell order: negatives first, by value; then shorter strings first, so "9" < "10" and
 * "1" < "01" < "001".
 */
export function compareIndexes(a: string, b: string): number {
  const [negativeA, negativeB] = [a.startsWith('-'), b.startsWith('-')];
  if (negativeA || negativeB) {
    if (negativeA !== negativeB) {
      return negativeA ? -1 : 1;
    }
    if (a.length !== b.length) {
      return b.length - a.length;
    }
    return compareOrdered(b, a);
  }
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  return compareOrdered(a, b);
}

/** The natural order of strings (code units) or bigints, as a sort comparator. */
export function compareOrdered<T extends string | bigint>(a: T, b: T): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

/** "01", "00": a leading zero makes the width part of the index. */
function isPadded(index: string): boolean {
  return index.length > 1 && index.startsWith('0');
}

export function sortIndexes(indexes: Iterable<string>): string[] {
  return [...new Set(indexes)].sort(compareIndexes);
}

function isSuccessor(previous: string, next: string): boolean {
  // Number is exact up to 15 digits; longer indexes (serial numbers) take the slow path.
  if (previous.length <= 15 && next.length <= 15) {
    return Number(next) - Number(previous) === 1;
  }
  return BigInt(next) - BigInt(previous) === 1n;
}

/**
 * Whether `index` may share a range with indexes whose padding reference is `reference`.
 * A padded run only takes indexes of its width; an unpadded run never takes padded ones.
 */
function breaksPadding(reference: string, index: string): boolean {
  return isPadded(reference) ? index.length !== reference.length : isPadded(index);
}

export interface IndexRun {
  first: string;
  last: string;
  size: number;
}

/**
 * Split sorted, distinct indexes into runs of consecutive numbers, exactly as ClusterShell's
 * RangeSet._slices_padding does without autostep. Its padding reference only moves on a padding
 * break or after a run of two or more, which is why it prints n[08,10-99,100] and not
 * n[08,10-100]; we copy that so our output matches `nodeset -f` byte for byte.
 */
function indexRuns(sorted: readonly string[]): IndexRun[] {
  const runs: IndexRun[] = [];
  let run: IndexRun | undefined;
  let reference = '';
  for (const index of sorted) {
    if (run === undefined || breaksPadding(reference, index)) {
      reference = index;
    } else if (isSuccessor(run.last, index)) {
      run.last = index;
      run.size += 1;
      continue;
    } else if (run.size >= 2) {
      reference = index;
    }
    if (run !== undefined) {
      runs.push(run);
    }
    run = { first: index, last: index, size: 1 };
  }
  if (run !== undefined) {
    runs.push(run);
  }
  return runs;
}

function formatRun(run: IndexRun, digitsBefore = ''): string {
  const first = digitsBefore + run.first;
  return run.size === 1 ? first : `${first}-${digitsBefore}${run.last}`;
}

/** "1-3,5,07-09": the text that goes between brackets. */
export function formatIndexes(sorted: readonly string[]): string {
  return indexRuns(sorted)
    .map((run) => formatRun(run))
    .join(',');
}
