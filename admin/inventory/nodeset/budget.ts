// Bounds on the work one expression may cost, so that any input ends in a result or a located
// error, never an exhausted heap. The limits are documented in docs/nodeset.md.
import { NodeSetProblem } from './problem.js';

/** Interval and box steps one evaluation may take (parsing, set algebra, folding). */
const MAX_WORK = 50_000_000;
/** Separate index ranges (intervals) a node set may hold in all, e.g. n[1-400000/2]. */
const MAX_PIECES = 200_000;

interface Meter {
  left: number;
  offset: number; // where the operand being worked on starts, for the error
}

let meter: Meter | undefined;

/** Runs `work` with a fresh budget (nested calls share the outer one). */
export function withBudget<T>(work: () => T): T {
  if (meter !== undefined) {
    return work();
  }
  meter = { left: MAX_WORK, offset: 0 };
  try {
    return work();
  } finally {
    meter = undefined;
  }
}

/** Errors from here on point at `offset` (the operand being evaluated). */
export function workingAt(offset: number): void {
  if (meter !== undefined) {
    meter.offset = offset;
  }
}

function currentOffset(): number {
  return meter?.offset ?? 0;
}

export function spend(units: number): void {
  if (meter === undefined) {
    return;
  }
  meter.left -= units;
  if (meter.left < 0) {
    throw new NodeSetProblem(
      `node set too complex to evaluate (more than ${MAX_WORK} steps of set algebra)`,
      meter.offset,
    );
  }
}

export function checkPieces(pieces: number): void {
  if (pieces > MAX_PIECES) {
    throw new NodeSetProblem(
      `node set too fragmented: more than ${MAX_PIECES} separate index ranges`,
      currentOffset(),
    );
  }
}
