// /proc/net/tcp and /proc/net/tcp6: which ports have a socket in LISTEN (state 0A). Addresses
// are hex; the port is the 4 hex digits after the last ':' of local_address.

export interface TcpSocket {
  localAddress: string; // dotted IPv4, or the raw hex of an IPv6 address
  localPort: number;
  state: string; // hex code: 0A = LISTEN, 01 = ESTABLISHED …
  inode: number;
}

const LISTEN = '0A';

function ipv4(hex: string): string {
  // little-endian 32-bit: 0100007F is 127.0.0.1
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

export function parseProcNetTcp(text: string): TcpSocket[] {
  const out: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const local = /^([0-9A-F]+):([0-9A-F]{4})$/.exec(f[1] ?? '');
    if (!local || !/^[0-9A-F]{2}$/.test(f[3] ?? '')) {
      continue;
    }
    const addr = local[1]!;
    out.push({
      localAddress: addr.length === 8 ? ipv4(addr) : addr,
      localPort: parseInt(local[2]!, 16),
      state: f[3]!,
      inode: Number(f[9] ?? 0),
    });
  }
  return out;
}

export const listensOn = (sockets: TcpSocket[], port: number): boolean =>
  sockets.some((s) => s.state === LISTEN && s.localPort === port);
