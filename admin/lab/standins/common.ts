// Shared bits of the lab's stand-in daemons: flags, log lines (stdout, which the daemon
// mechanics append to the unit's log), and the TERM handling every real daemon should have.
import type { Server } from 'node:net';

export interface Flags {
  values: Map<string, string>;
  switches: Set<string>;
}

/** `--name value` pairs and bare `--switch`es. */
export function parseFlags(argv: string[], switchNames: string[]): Flags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    if (switchNames.includes(name)) {
      switches.add(name);
    } else {
      values.set(name, argv[++i] ?? '');
    }
  }
  return { values, switches };
}

export function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${message}\n`);
}

/** Exit with a log line: what an operator reads in the log tail when a start fails. */
export function die(message: string, code = 1): never {
  log(`fatal: ${message}`);
  process.exit(code);
}

/** 1..65535, or die saying so (the "bad port" a failing start reports). */
export function portFrom(text: string | undefined): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    die(`bad port ${JSON.stringify(text ?? '')}: expected 1..65535`, 2);
  }
  return port;
}

/** Listen, or die with the reason (EADDRINUSE …). */
export function listenOrDie(server: Server, port: number, host: string, ready: () => void): void {
  server.once('error', (err: NodeJS.ErrnoException) =>
    die(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`),
  );
  server.listen(port, host, ready);
}

/**
 * TERM and INT: stop accepting, let in-flight work finish (`drain` resolves when it has), exit 0.
 * With --ignore-term the signal is logged and ignored (to test the KILL escalation of stop).
 */
export function onTerm(ignore: boolean, drain: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (ignore) {
        return log(`${signal}: ignored (--ignore-term)`);
      }
      if (stopping) {
        return;
      }
      stopping = true;
      drain(signal).then(
        () => {
          log('stopped');
          process.exit(0);
        },
        (err: Error) => die(`stopping: ${err.message}`),
      );
    });
  }
}
