// A set of indexes as sorted, disjoint, non-adjacent intervals of ordinals (see ordinal.ts).
// Union, intersection, difference and counting cost the number of intervals, not of indexes.
import { checkPieces, spend } from '../budget.js';
import { compareOrdered } from './indexes.js';
import { classOf, indexText, infoOf, ordinalOf } from './ordinal.js';

export class IntervalSet {
  static readonly EMPTY = new IntervalSet([], []);

  private constructor(
    readonly lows: readonly bigint[],
    readonly highs: readonly bigint[],
  ) {}

  /** From intervals in any order, overlapping or not. */
  static of(intervals: readonly (readonly [bigint, bigint])[]): IntervalSet {
    spend(intervals.length);
    const sorted = [...intervals].sort((a, b) => compareOrdered(a[0], b[0]));
    const lows: bigint[] = [];
    const highs: bigint[] = [];
    for (const [low, high] of sorted) {
      const last = highs.length - 1;
      if (last >= 0 && low <= (highs[last] as bigint) + 1n) {
        if (high > (highs[last] as bigint)) {
          highs[last] = high;
        }
      } else {
        lows.push(low);
        highs.push(high);
      }
    }
    checkPieces(lows.length);
    return new IntervalSet(lows, highs);
  }

  static ofIndexes(texts: Iterable<string>): IntervalSet {
    return IntervalSet.of(
      [...texts].map((text) => {
        const ordinal = ordinalOf(text);
        return [ordinal, ordinal] as const;
      }),
    );
  }

  get pieces(): number {
    return this.lows.length;
  }

  get isEmpty(): boolean {
    return this.lows.length === 0;
  }

  get size(): bigint {
    let total = 0n;
    for (let i = 0; i < this.lows.length; i++) {
      total += (this.highs[i] as bigint) - (this.lows[i] as bigint) + 1n;
    }
    return total;
  }

  /** Text of the first and last index (ClusterShell's rg[0] and rg[-1]). */
  get firstText(): string {
    return this.isEmpty ? '' : infoOf(this.lows[0] as bigint).text;
  }

  get lastText(): string {
    return this.isEmpty ? '' : infoOf(this.highs[this.highs.length - 1] as bigint).text;
  }

  equals(other: IntervalSet): boolean {
    if (this === other) {
      return true;
    }
    if (this.lows.length !== other.lows.length) {
      return false;
    }
    spend(this.lows.length);
    for (let i = 0; i < this.lows.length; i++) {
      if (this.lows[i] !== other.lows[i] || this.highs[i] !== other.highs[i]) {
        return false;
      }
    }
    return true;
  }

  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty) {
      return this;
    }
    if (this.isEmpty) {
      return other;
    }
    const all: [bigint, bigint][] = [];
    for (const set of [this, other]) {
      for (let i = 0; i < set.lows.length; i++) {
        all.push([set.lows[i] as bigint, set.highs[i] as bigint]);
      }
    }
    return IntervalSet.of(all);
  }

  intersect(other: IntervalSet): IntervalSet {
    const out: [bigint, bigint][] = [];
    let [i, j] = [0, 0];
    spend(this.pieces + other.pieces);
    while (i < this.lows.length && j < other.lows.length) {
      const low = bigMax(this.lows[i] as bigint, other.lows[j] as bigint);
      const high = bigMin(this.highs[i] as bigint, other.highs[j] as bigint);
      if (low <= high) {
        out.push([low, high]);
      }
      if ((this.highs[i] as bigint) < (other.highs[j] as bigint)) {
        i++;
      } else {
        j++;
      }
    }
    return out.length === 0 ? IntervalSet.EMPTY : IntervalSet.of(out);
  }

  minus(other: IntervalSet): IntervalSet {
    if (this.isEmpty || other.isEmpty) {
      return this;
    }
    const out: [bigint, bigint][] = [];
    let j = 0;
    spend(this.pieces + other.pieces);
    for (let i = 0; i < this.lows.length; i++) {
      let low = this.lows[i] as bigint;
      const high = this.highs[i] as bigint;
      while (j < other.lows.length && (other.highs[j] as bigint) < low) {
        j++;
      }
      let k = j;
      while (low <= high && k < other.lows.length && (other.lows[k] as bigint) <= high) {
        if ((other.lows[k] as bigint) > low) {
          out.push([low, (other.lows[k] as bigint) - 1n]);
        }
        low = (other.highs[k] as bigint) + 1n;
        k++;
      }
      if (low <= high) {
        out.push([low, high]);
      }
    }
    return out.length === 0 ? IntervalSet.EMPTY : IntervalSet.of(out);
  }

  /** Strict superset. */
  contains(other: IntervalSet): boolean {
    return this.size > other.size && other.minus(this).isEmpty;
  }

  isDisjointFrom(other: IntervalSet): boolean {
    return this.intersect(other).isEmpty;
  }

  /** The index texts in ClusterShell order; numbers, not bigints, wherever they are exact. */
  *texts(): Generator<string> {
    for (let i = 0; i < this.lows.length; i++) {
      const { base, width } = classOf(this.lows[i] as bigint);
      const [first, last] = [(this.lows[i] as bigint) - base, (this.highs[i] as bigint) - base];
      if (first >= BigInt(Number.MIN_SAFE_INTEGER) && last <= BigInt(Number.MAX_SAFE_INTEGER)) {
        for (let value = Number(first); value <= Number(last); value++) {
          yield indexText(value, width);
        }
      } else {
        for (let value = first; value <= last; value++) {
          yield indexText(value, width);
        }
      }
    }
  }
}

const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bigMin = (a: bigint, b: bigint): bigint => (a < b ? a : b);
