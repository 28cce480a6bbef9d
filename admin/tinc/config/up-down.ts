// tinc-up / tinc-down: tincd runs them when the tun interface comes up or goes down. They give the
// interface the host's VPN address with the mesh's prefix, so the kernel routes the whole overlay
// into tinc. `ip addr replace` keeps tinc-up safe to run twice (a restart racing a stale address).

export interface VpnAddress {
  address: string; // 10.1.3.1
  prefix: number; // 16: the mesh's prefix length
}

const UP_HEADER =
  "#!/bin/sh\n# Written by salvo tinc: this host's VPN address (services file) on the tinc interface.\n";
const DOWN_HEADER = '#!/bin/sh\n# Written by salvo tinc.\n';

export function renderTincUp(v: VpnAddress): string {
  return `${UP_HEADER}ip addr replace ${v.address}/${v.prefix} dev "$INTERFACE"\nip link set "$INTERFACE" up\n`;
}

export function renderTincDown(v: VpnAddress): string {
  return `${DOWN_HEADER}ip addr del ${v.address}/${v.prefix} dev "$INTERFACE" 2>/dev/null\nip link set "$INTERFACE" down\n`;
}

/** The address a tinc-up written by Salvo assigns; undefined for a script Salvo did not write. */
export function parseTincUp(text: string): VpnAddress | undefined {
  return addressIn(text, /^ip addr replace (\d+\.\d+\.\d+\.\d+)\/(\d+) dev "\$INTERFACE"$/m);
}

export function parseTincDown(text: string): VpnAddress | undefined {
  return addressIn(text, /^ip addr del (\d+\.\d+\.\d+\.\d+)\/(\d+) dev "\$INTERFACE"/m);
}

function addressIn(text: string, re: RegExp): VpnAddress | undefined {
  const m = re.exec(text);
  return m ? { address: m[1]!, prefix: Number(m[2]) } : undefined;
}
