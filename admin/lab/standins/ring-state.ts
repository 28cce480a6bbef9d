// LAB ONLY. The small state file a Cassandra stand-in keeps for the lab's nodetool stand-in:
// whether the node is still joining the ring. Written whole and renamed into place, so a reader
// never sees half a file.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from '../../fs/index.js';

export interface RingState {
  pid: number;
  id: string;
  state: 'joining' | 'normal';
  since: string;
}

export function writeRingState(file: string, state: RingState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomicSync(file, `${JSON.stringify(state)}\n`);
}

/** The recorded state, or undefined when there is no readable file. */
export function readRingState(file: string): RingState | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<RingState>;
    return s.state === 'joining' || s.state === 'normal' ? (s as RingState) : undefined;
  } catch {
    return undefined;
  }
}
