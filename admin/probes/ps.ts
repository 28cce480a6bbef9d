// `ps -o pid=,etimes=,args= -p PID` (procps-ng): pid, elapsed seconds since start, command line.
import { cmd, type Command } from '../transport/command.js';

export interface PsRow {
  pid: number;
  elapsedSec: number;
  args: string;
}

export const psCommand = (pid: number): Command => cmd('ps', '-o', 'pid=,etimes=,args=', '-p', pid);

/** Rows of the output; lines that do not have the shape are skipped (a header, a blank). */
export function parsePs(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) {
      rows.push({ pid: Number(m[1]), elapsedSec: Number(m[2]), args: m[3]!.trimEnd() });
    }
  }
  return rows;
}
