// The text between brackets for a set of indexes, as ClusterShell 1.9's RangeSet prints it
// (its _slices_padding with autostep off), walked per interval instead of per index. Its quirks
// are kept on purpose, e.g. n[08,10-99,100]: the padding reference only moves on a padding break
// or after a run of two or more.
import type { IntervalSet } from './interval-set.js';
import { indexText, infoOf } from './ordinal.js';

interface Slice {
  start: bigint;
  last: bigint;
  pad: number;
}

class SliceWalker {
  readonly out: Slice[] = [];
  private started = false;
  private start = 0n;
  private padded = false;
  private pad = 0;
  private step: bigint | undefined;
  private last = 0n;

  /** One index; returns true when the run now grows by one at each step (so it can jump). */
  visit(value: bigint, digits: number, padded: boolean): boolean {
    if (!this.started) {
      [this.started, this.start, this.padded, this.pad, this.step, this.last] = [
        true,
        value,
        padded,
        digits,
        undefined,
        value,
      ];
      return false;
    }
    const paddingMismatch = this.padded ? digits !== this.pad : padded;
    const stepMismatch =
      !paddingMismatch && this.step !== undefined && this.step !== value - this.last;
    if (paddingMismatch || stepMismatch) {
      const step = this.step ?? 1n;
      if (step === 1n) {
        this.emit(this.start, this.last);
        [this.start, this.padded, this.pad] = [value, padded, digits];
      } else {
        const stop = paddingMismatch ? this.last : this.last - step;
        for (let j = this.start; j <= stop; j += step) {
          this.emit(j, j);
        }
        if (paddingMismatch) {
          [this.start, this.padded, this.pad] = [value, padded, digits];
        } else {
          this.start = this.last;
        }
      }
      this.step = stepMismatch ? value - this.last : undefined;
      this.last = value;
      return false;
    }
    this.step = value - this.last;
    this.last = value;
    return this.step === 1n;
  }

  /** The run continues one by one up to `value`. */
  jumpTo(value: bigint): void {
    this.last = value;
  }

  finish(): Slice[] {
    if (!this.started) {
      return this.out;
    }
    if (this.step === undefined || this.step === 1n) {
      this.emit(this.start, this.last);
    } else {
      for (let j = this.start; j <= this.last; j += this.step) {
        this.emit(j, j);
      }
    }
    return this.out;
  }

  private emit(start: bigint, last: bigint): void {
    this.out.push({ start, last, pad: this.padded ? this.pad : 0 });
  }
}

function slicesOf(set: IntervalSet): Slice[] {
  const walker = new SliceWalker();
  for (let i = 0; i < set.pieces; i++) {
    const [low, high] = [set.lows[i] as bigint, set.highs[i] as bigint];
    for (let ordinal = low; ordinal <= high; ordinal++) {
      const { value, text, padded } = infoOf(ordinal);
      if (walker.visit(value, text.length, padded) && ordinal < high) {
        walker.jumpTo(infoOf(high).value);
        break;
      }
    }
  }
  return walker.finish();
}

/** ["1-3", "5", "07-09"]: ClusterShell's folded slices for these indexes. */
export function sliceTexts(set: IntervalSet): string[] {
  return slicesOf(set).map(({ start, last, pad }) =>
    start === last ? indexText(start, pad) : `${indexText(start, pad)}-${indexText(last, pad)}`,
  );
}

/** "1-3,5,07-09": the text between brackets. */
export function formatSlices(set: IntervalSet): string {
  return sliceTexts(set).join(',');
}
