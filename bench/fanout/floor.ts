// The hosts' side of a warm round with no SSH and no network: N local bash shells started as the
// warm path starts each host's session shell, each sent the very text the session path sends for
// one command (admin/transport/session/wrap.ts: the command in a background subshell of its own
// process group, so that a timeout or Ctrl-C can kill all it started), the round done when every
// shell has printed the command's end marker. On a real fleet each host does its part on its own
// CPUs; in the lab the N hosts share this machine's cores, so this is a floor under any warm
// round measured here: a target below it cannot be met on this machine by any client.
import { spawn } from 'node:child_process';
import {
  newNonce,
  readyToken,
  sessionBoot,
  sessionCommand,
  stdoutEndToken,
} from '../../admin/transport/session/wrap.js';
import { load1, since, type Run } from './measure.js';

type Shell = ReturnType<typeof spawnShell>;

function spawnShell() {
  return spawn('bash', ['--norc', '--noprofile', '-s'], { stdio: ['pipe', 'pipe', 'ignore'] });
}

/** Write `text`, resolve once stdout has shown `token`. */
function answer(s: Shell, text: string, token: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const on = (d: Buffer): void => {
      seen += String(d);
      if (seen.includes(token)) {
        s.stdout.off('data', on);
        resolve();
      }
    };
    s.stdout.on('data', on);
    s.stdin.write(text);
  });
}

export async function localShellFloor(n: number, command: string, rounds: number): Promise<Run[]> {
  const shells = Array.from({ length: n }, spawnShell);
  const round = async (): Promise<Run> => {
    const t0 = process.hrtime.bigint();
    await Promise.all(
      shells.map((s) => {
        const nonce = newNonce();
        return answer(s, sessionCommand(command, nonce), stdoutEndToken(nonce));
      }),
    );
    return { wallS: since(t0), ok: true, load1: load1() };
  };
  try {
    await Promise.all(
      shells.map((s) => {
        const nonce = newNonce();
        return answer(s, sessionBoot(nonce), readyToken(nonce));
      }),
    );
    await round(); // warm-up
    const runs: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      runs.push(await round());
    }
    return runs;
  } finally {
    for (const s of shells) {
      s.stdin.end();
    }
    await Promise.all(
      shells.map((s) => (s.exitCode === null ? new Promise((r) => s.once('exit', r)) : undefined)),
    );
  }
}
