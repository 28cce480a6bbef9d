// Transport for `localhost`: the same contract as SSH without a network. The command runs in its
// own process group (a detached child is a session leader), so a deadline or Ctrl-C kills the
// whole group, as on a remote host.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { display, toShell, type Command } from './command.js';
import { Deadline, settlesWithin, toResult, type RawRun, type StopKind } from './run-control.js';
import type { CloseOptions, CommandResult, RunOptions, Transport } from './types.js';
import { ByteSink, outputLimitOf } from './session/markers.js';

// Same rule as remote hosts (session/wrap.ts): bash when present, else sh.
const SHELL = ['/usr/bin/bash', '/bin/bash'].find((p) => existsSync(p));
const SHELL_ARGV = SHELL ? [SHELL, '--norc', '--noprofile', '-c'] : ['/bin/sh', '-c'];

export class LocalTransport implements Transport {
  constructor(readonly host = 'localhost') {}

  async run(command: Command, options: RunOptions = {}): Promise<CommandResult> {
    const ctx = {
      host: this.host,
      command: display(command),
      started: Date.now(),
      timeoutMs: options.timeoutMs,
    };
    const deadline = new Deadline(options);
    try {
      return toResult(ctx, await runLocal(toShell(command), options, deadline));
    } finally {
      deadline.dispose();
    }
  }

  async close(_options?: CloseOptions): Promise<void> {}
}

async function runLocal(text: string, options: RunOptions, deadline: Deadline): Promise<RawRun> {
  const { stdin, onOutput: deliver } = options;
  let holding = 0;
  const onOutput = deliver
    ? (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
        const wait = deliver(stream, chunk);
        if (wait && holding++ === 0) {
          child.stdout?.pause();
          child.stderr?.pause();
        }
        void wait?.finally(() => {
          if (--holding === 0) {
            child.stdout?.resume();
            child.stderr?.resume();
          }
        });
      }
    : undefined;
  const [file, ...args] = SHELL_ARGV as [string, ...string[]];
  // cwd ~ like a remote command; detached → setsid(), so pgid = pid.
  const child = spawn(file, [...args, text], {
    cwd: homedir(),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Bounded as over SSH: the head and tail of a flood (maxOutput 0: nothing).
  const keep = options.maxOutput !== 0;
  const out = new ByteSink(outputLimitOf(options.maxOutput));
  const err = new ByteSink(outputLimitOf(options.maxOutput));
  child.stdout?.on('data', (c: Buffer) => {
    if (keep) {
      out.append(c);
    }
    onOutput?.('stdout', c);
  });
  child.stderr?.on('data', (c: Buffer) => {
    if (keep) {
      err.append(c);
    }
    onOutput?.('stderr', c);
  });
  child.stdin?.on('error', () => undefined); // the command may exit without reading its stdin
  if (stdin === undefined || typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
    child.stdin?.end(stdin ?? '');
  } else {
    const stop = stdin.subscribe(
      (c) => child.stdin?.write(c),
      () => child.stdin?.end(),
    );
    child.once('close', stop);
  }
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<{ spawnError?: Error }>((resolve) => {
    child.once('close', () => resolve({}));
    child.once('error', (e) => resolve({ spawnError: e }));
  });
  const outcome = await deadline.race(closed);
  let stopped: StopKind | undefined;
  if ('stop' in outcome) {
    stopped = outcome.stop;
    await killGroup(child, exited);
  } else if (outcome.value.spawnError) {
    return {
      exitCode: null,
      signal: null,
      stdout: Buffer.alloc(0),
      stderr: Buffer.alloc(0),
      lost: `cannot start ${file}: ${outcome.value.spawnError.message}`,
    };
  }
  const { code, signal } = await exited;
  return {
    exitCode: code,
    signal,
    stdout: Buffer.from(out.view()),
    stderr: Buffer.from(err.view()),
    dropped: { stdout: out.dropped, stderr: err.dropped },
    ...(stopped ? { stopped } : {}),
  };
}

/** TERM the group, KILL it after 1 s, and stop waiting for pipes held by escaped grandchildren. */
async function killGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  signalGroup(child, 'SIGTERM');
  if (!(await settlesWithin(exited, 1000))) {
    signalGroup(child, 'SIGKILL');
    await exited;
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
