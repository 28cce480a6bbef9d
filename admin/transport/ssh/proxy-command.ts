// ssh_config ProxyCommand: run the command with `sh -c` as OpenSSH does (tokens already expanded)
// and speak SSH over its stdin/stdout. Its stderr is ours, as with ssh. The child is killed when
// the stream is destroyed; closing our end (EOF on its stdin) lets `ssh -W`-style proxies exit.
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { ConnectError } from '../../errors.js';
import type { SshTarget } from '../types.js';

export function proxyCommandStream(target: SshTarget, command: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.once('error', (err) =>
      reject(
        new ConnectError(target.name, 'other', `ProxyCommand could not start: ${err.message}`),
      ),
    );
    child.once('spawn', () => {
      const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
      const stop = (): void => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
        }
      };
      stream.once('close', stop);
      stream.on('error', () => undefined); // EPIPE after the proxy died: the ssh layer reports it
      resolve(stream);
    });
  });
}
