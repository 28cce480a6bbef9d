// Digits written right next to brackets belong to the index: node1[0-9] is node10…node19 and
// node[1-2]0 is node10, node20. ClusterShell rewrites the bracket text to get there (and keeps
// the quirks of doing so, e.g. node1[9-11] is node[19-111]); we do the same rewriting.
import { NodeSetProblem } from '../problem.js';
import { parseRanges } from './ranges.js';
import { sliceTexts } from '../sets/slices.js';

/** "1-3,5" + "0" → "10-30/10,50": each index gains the digits, so ranges step by ten. */
export function appendDigits(inner: string, digits: string, offset: number): string {
  if (inner.includes('/')) {
    throw new NodeSetProblem(
      `digits "${digits}" after a bracket with a step are not supported`,
      offset,
    );
  }
  const step = `/1${'0'.repeat(digits.length)}`;
  return inner
    .split(',')
    .map((item) => {
      const bounds = item
        .split('-')
        .map((bound) => (bound.trim() === '' ? bound : bound.trim() + digits));
      return bounds.join('-') + (bounds.length > 1 ? step : '');
    })
    .join(',');
}

/** "1" + "0-3,5" → "10-13,15": the digits go in front of each contiguous run's bounds. */
export function prependDigits(inner: string, digits: string, offset: number): string {
  // As ClusterShell: each contiguous slice's text, the digits put before every "-"-separated part.
  return sliceTexts(parseRanges(inner, offset))
    .map((slice) =>
      slice
        .split('-')
        .map((bound) => digits + bound)
        .join('-'),
    )
    .join(',');
}
