// Commands sent to a host (constant scripts + arguments as data) and pure parsers of their output.
import { cmd, type Command } from '../../transport/command.js';
import { CONTROL, HEALTH, KEYGEN, PINGS, PROBE, PUSH } from './scripts.js';
import type { TincPaths } from './paths.js';

const script = (text: string, ...args: (string | number)[]): Command =>
  cmd('sh', '-c', text, 'sh', ...args);

export const probeCommand = (paths: TincPaths, name: string): Command =>
  script(PROBE, paths.confDir, paths.pidFile, name);
export const keygenCommand = (paths: TincPaths, name: string, bits: number): Command =>
  script(KEYGEN, paths.confDir, name, bits);
export const healthCommand = (paths: TincPaths): Command => script(HEALTH, paths.pidFile);
export const pushCommand = (paths: TincPaths): Command => script(PUSH, paths.confDir);
export const pingCommand = (addresses: readonly string[]): Command => script(PINGS, ...addresses);

export type ControlAction = 'start' | 'reload' | 'restart' | 'stop' | 'purge';

export interface ControlTarget {
  netname: string;
  iface: string;
  vpn: string;
  /** restart only: the peers' VPN addresses whose links (where they worked) must come back. */
  peers?: readonly string[];
}

export function controlCommand(paths: TincPaths, t: ControlTarget, action: ControlAction): Command {
  return script(
    CONTROL,
    t.netname,
    paths.confDir,
    paths.pidFile,
    paths.logFile,
    t.iface,
    t.vpn,
    action,
    ...(action === 'restart' ? (t.peers ?? []) : []),
  );
}

/** What a probe saw on one host. */
export interface NodeState {
  tincd: boolean; // the binary is installed
  pid?: number; // the live tincd named by the pid file
  keyMode?: string; // rsa_key.priv permissions ('600'); absent: no private key
  files: Map<string, { mode: string; text: string }>; // tinc.conf, tinc-up, tinc-down, own hosts file
  hashes: Map<string, string>; // other hosts/* files: sha256 hex
}

export function parseProbe(stdout: string): NodeState {
  const s: NodeState = { tincd: false, files: new Map(), hashes: new Map() };
  for (const line of stdout.split('\n')) {
    const [word, rest = ''] = splitOnce(line);
    if (word === 'tincd') {
      s.tincd = rest === 'yes';
    } else if (word === 'pid' && /^\d+$/.test(rest)) {
      s.pid = Number(rest);
    } else if (word === 'key' && rest !== '-') {
      s.keyMode = rest;
    } else if (word === 'file') {
      const m = /^(\d+) (\S*) (.+)$/.exec(rest);
      if (m) {
        s.files.set(m[3]!, { mode: m[1]!, text: Buffer.from(m[2]!, 'base64').toString('utf8') });
      }
    } else if (word === 'hash') {
      const m = /^([0-9a-f]{64}) (.+)$/.exec(rest);
      if (m) {
        s.hashes.set(m[2]!, m[1]!);
      }
    }
  }
  return s;
}

/** One line of push input: `w 644 BASE64 hosts/cloud3`, `d - - hosts/cloud9`, `m 600 - rsa_key.priv`. */
export type PushOp =
  | { op: 'w'; path: string; mode: number; text: string }
  | { op: 'd'; path: string }
  | { op: 'm'; path: string; mode: number };

/**
 * Bytes as one word that the shell's `printf %b` turns back into them: printable ASCII as it
 * is, everything else (space, newline, backslash, non-ASCII) as \0NNN; `-` alone means empty.
 */
export function printfEscaped(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    out +=
      b > 0x20 && b < 0x7f && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\0${b.toString(8).padStart(3, '0')}`;
  }
  if (out === '') {
    return '-';
  }
  return out === '-' ? '\\0055' : out;
}

export function pushInput(ops: readonly PushOp[]): string {
  return ops
    .map((o) => {
      if (o.op === 'd') {
        return `d - - ${o.path}\n`;
      }
      const mode = o.mode.toString(8);
      if (o.op === 'm') {
        return `m ${mode} - ${o.path}\n`;
      }
      const bytes = Buffer.from(o.text);
      if (bytes.includes(0)) {
        return `b ${mode} ${bytes.toString('base64') || '-'} ${o.path}\n`;
      }
      return `w ${mode} ${printfEscaped(bytes)} ${o.path}\n`;
    })
    .join('');
}

/** `ok 10.1.3.1` / `fail 10.1.3.1` lines → address → reached? */
export function parsePings(stdout: string): Map<string, boolean> {
  const seen = new Map<string, boolean>();
  for (const line of stdout.split('\n')) {
    const [word, addr] = splitOnce(line);
    if ((word === 'ok' || word === 'fail') && addr) {
      seen.set(addr, word === 'ok');
    }
  }
  return seen;
}

/** `pid 1234` from a control command. */
export function parseControlPid(stdout: string): number | undefined {
  const m = /^pid (\d+)$/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

function splitOnce(line: string): [string, string?] {
  const i = line.indexOf(' ');
  return i < 0 ? [line.trim()] : [line.slice(0, i), line.slice(i + 1).trim()];
}
