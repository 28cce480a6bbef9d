// Many probes on one host in one SSH round trip: each command's output between markers that
// carry a random nonce (a log line that merely looks like a marker is never taken for one).
import { randomBytes } from 'node:crypto';
import { cmd, Raw, type Command } from '../transport/command.js';

export interface BatchPart {
  stdout: string;
  exitCode: number | null; // null: the batch ended before this part reported (killed, timeout)
}

// Nonces are hex, so the markers hold nothing a RegExp would read as syntax.
const beginPrefix = (nonce: string): string => `@@salvo-probe:${nonce}:`;
const endPrefix = (nonce: string): string => `@@salvo-exit:${nonce}:`;

export const newNonce = (): string => randomBytes(6).toString('hex');

/** `echo BEGIN; ( c ); printf '\nEND%s' $?` for each command, in order. The subshell keeps an
 * `exit` (or a `cd`) of one probe from touching the next; the newline before END means output
 * without a final newline still ends before the marker (the parser takes that newline back). */
export function batchCommand(commands: Command[], nonce: string): Command {
  const parts = commands.flatMap((c, i) => [
    ...cmd('echo', `${beginPrefix(nonce)}${i}`).parts,
    new Raw('; ('),
    ...c.parts,
    new Raw(`); printf '\\n${endPrefix(nonce)}%s\\n' "$?";`),
  ]);
  return { parts };
}

/** One part per command; a part cut off before its end marker keeps its output, exitCode null. */
export function splitBatch(stdout: string, count: number, nonce: string): BatchPart[] {
  const parts: BatchPart[] = Array.from({ length: count }, () => ({ stdout: '', exitCode: null }));
  const starts = [...stdout.matchAll(new RegExp(`^${beginPrefix(nonce)}(\\d+)\\n`, 'gm'))];
  starts.forEach((m, k) => {
    const i = Number(m[1]);
    if (i >= count) {
      return;
    }
    const from = m.index + m[0].length;
    const body = stdout.slice(from, starts[k + 1]?.index ?? stdout.length);
    const end = new RegExp(`\\n${endPrefix(nonce)}(\\d+)\\n?$`).exec(body);
    parts[i] = end
      ? { stdout: body.slice(0, end.index), exitCode: Number(end[1]) }
      : { stdout: body, exitCode: null };
  });
  return parts;
}
