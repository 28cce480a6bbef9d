// Talking to haproxy's runtime API: one line written to its admin socket through socat, on the
// haproxy host (the socket is a UNIX socket there; it never listens on the network).
import { cmd, Raw, type Command } from '../../transport/command.js';

/** `printf '%s\n' LINE | socat -t 5 stdio UNIX-CONNECT:SOCKET`, as data. */
export function runtimeCommand(socket: string, line: string): Command {
  return cmd(
    'printf',
    '%s\\n',
    line,
    new Raw('|'),
    'socat',
    '-t',
    '5',
    'stdio',
    `UNIX-CONNECT:${socket}`,
  );
}

export const showStat = (socket: string): Command => runtimeCommand(socket, 'show stat');
export const showServersState = (socket: string, backend?: string): Command =>
  runtimeCommand(socket, backend ? `show servers state ${backend}` : 'show servers state');
