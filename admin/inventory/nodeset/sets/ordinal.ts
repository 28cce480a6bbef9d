// Indexes as points on one number line that sorts like ClusterShell 1.9: negatives first, in
// numeric order; then by string length, and within a length zero-padded ("07") before plain
// ("17"). Each index string gets an ordinal (a bigint) so that a set of indexes is a list of
// intervals and set algebra never lists the indexes one by one.
//
// Layout: a negative index is its own value. An index of length L is CLASS(L, kind) + value,
// kind 1 for zero-padded and 2 for plain; classes are 10^102 apart, beyond any allowed value
// (ClusterShell refuses indexes above 1e100), so consecutive ordinals are consecutive numbers
// of the same kind and length.

const SPAN = 10n ** 102n;
const PADDED = 1n;
const PLAIN = 2n;

function classBase(length: number, kind: bigint): bigint {
  return (BigInt(length) * 3n + kind) * SPAN;
}

const digitCount = (value: bigint): number => value.toString().length;

/** The ordinal of `value` written with `pad` digits (0: no padding). */
export function toOrdinal(value: bigint, pad = 0): bigint {
  if (value < 0n) {
    return value;
  }
  const digits = digitCount(value);
  return pad > digits ? classBase(pad, PADDED) + value : classBase(digits, PLAIN) + value;
}

/** The ordinal of an index as written ("07", "7", "-3"). */
export function ordinalOf(text: string): bigint {
  const value = BigInt(text);
  return text.length > 1 && text.startsWith('0') ? toOrdinal(value, text.length) : toOrdinal(value);
}

export interface IndexInfo {
  value: bigint;
  text: string;
  padded: boolean;
}

/** The numbers of one class, for fast listing: text(m) for m in a range. */
export interface OrdinalClass {
  base: bigint; // ordinal of value 0 in this class (0 for negatives)
  width: number; // zero-padding width, 0 when plain
}

export function classOf(ordinal: bigint): OrdinalClass {
  if (ordinal < 0n) {
    return { base: 0n, width: 0 };
  }
  const q = ordinal / SPAN;
  const kind = q % 3n;
  return { base: q * SPAN, width: kind === PADDED ? Number(q / 3n) : 0 };
}

export function indexText(value: bigint | number, width: number): string {
  return width > 0 ? String(value).padStart(width, '0') : String(value);
}

export function infoOf(ordinal: bigint): IndexInfo {
  const { base, width } = classOf(ordinal);
  const value = ordinal - base;
  return { value, text: indexText(value, width), padded: width > 0 };
}

/**
 * Ordinal intervals for the numbers first..last written with `pad` digits (first ≤ last).
 * A padded range holds plain indexes once the numbers reach its width (01-10 holds "10").
 */
export function rangeOrdinals(first: bigint, last: bigint, pad: number): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  if (first < 0n) {
    out.push([first, last < 0n ? last : -1n]);
  }
  let low = first < 0n ? 0n : first;
  while (low <= last) {
    const digits = digitCount(low);
    const classEnd = 10n ** BigInt(digits) - 1n;
    const high = last < classEnd ? last : classEnd;
    out.push([toOrdinal(low, pad), toOrdinal(high, pad)]);
    low = high + 1n;
  }
  return out;
}
