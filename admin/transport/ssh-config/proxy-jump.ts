// ProxyJump values: `none`, or hops `[user@]host[:port]` / `ssh://[user@]host[:port]`, comma
// separated, first hop first. IPv6 literals go in brackets when a port follows: `[::1]:2222`.
import { ConfigError } from '../../errors.js';

export interface JumpHop {
  host: string;
  user?: string;
  port?: number;
}

export interface Origin {
  file: string;
  line: number;
}

/** Hops in dialing order; [] for `none`. */
export function parseProxyJump(value: string, origin: Origin): JumpHop[] {
  if (value.trim().toLowerCase() === 'none') {
    return [];
  }
  return value.split(',').map((s) => parseHop(s.trim(), origin));
}

function parseHop(spec: string, origin: Origin): JumpHop {
  const fail = (why: string): ConfigError =>
    new ConfigError([
      { file: origin.file, line: origin.line, col: 1, message: `ProxyJump "${spec}": ${why}` },
    ]);
  let rest = spec.startsWith('ssh://') ? spec.slice('ssh://'.length).replace(/\/$/, '') : spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') {
      throw fail('empty user');
    }
  }
  const { host, portText } = splitHostPort(rest);
  if (host === '') {
    throw fail('empty host');
  }
  const hop: JumpHop = { host };
  if (user !== undefined) {
    hop.user = user;
  }
  if (portText !== undefined) {
    const port = parsePortNumber(portText);
    if (port === null) {
      throw fail(`bad port ${portText}`);
    }
    hop.port = port;
  }
  return hop;
}

/** `host:port`, `[v6]:port`, `[v6]`, or a bare host (an IPv6 literal without brackets has no port). */
function splitHostPort(s: string): { host: string; portText?: string } {
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(s);
  if (bracket !== null) {
    return { host: bracket[1] ?? '', portText: bracket[2] };
  }
  const colons = s.split(':').length - 1;
  if (colons !== 1) {
    return { host: s };
  }
  const i = s.indexOf(':');
  return { host: s.slice(0, i), portText: s.slice(i + 1) };
}

/** A TCP port 1..65535 written in decimal, or null. */
export function parsePortNumber(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) {
    return null;
  }
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}
