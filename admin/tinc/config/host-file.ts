// hosts/NAME: what every node needs to know about NAME — where to reach it (Address, Port), which
// VPN addresses it owns (Subnet) and its RSA public key. Salvo renders these from the services
// file plus the key collected from the host, and parses them back (round trip: parse∘render = id).
import { isIPv4 } from 'node:net';
import { TincParseError } from '../errors.js';
import {
  parseConfigText,
  renderEntries,
  renderPem,
  single,
  valuesOf,
  type Entry,
} from './config-text.js';

export interface HostFile {
  addresses: string[]; // underlay: IP or DNS name; tincd tries them in order
  port?: number;
  subnets: string[]; // e.g. 10.1.3.1/32
  publicKey?: string; // base64 body of the PKCS#1 "RSA PUBLIC KEY" block, no line breaks
  extra: { key: string; value: string }[]; // other variables, kept as written (Cipher, Compression…)
}

const KEY_LABEL = 'RSA PUBLIC KEY';
const KNOWN = new Set(['address', 'port', 'subnet']);

const HEADER =
  '# Written by salvo tinc from the services file and the key generated on the host.\n' +
  '# Edit the services file, not this file: `salvo tinc init` rewrites it.\n';

export function renderHostFile(h: HostFile): string {
  const entries = [
    ...h.addresses.map((value) => ({ key: 'Address', value })),
    ...(h.port === undefined ? [] : [{ key: 'Port', value: String(h.port) }]),
    ...h.subnets.map((value) => ({ key: 'Subnet', value })),
    ...h.extra,
  ];
  const key = h.publicKey === undefined ? '' : renderPem({ label: KEY_LABEL, body: h.publicKey });
  return HEADER + renderEntries(entries) + key;
}

/** Throws TincParseError (with a line number) for anything tincd would misread or refuse. */
export function parseHostFile(text: string): HostFile {
  const { entries, pem } = parseConfigText(text);
  const h: HostFile = {
    addresses: valuesOf(entries, 'Address').map((e) => e.value),
    subnets: valuesOf(entries, 'Subnet').map(checkSubnet),
    extra: entries
      .filter((e) => !KNOWN.has(e.key.toLowerCase()))
      .map(({ key, value }) => ({ key, value })),
  };
  const port = single(entries, 'Port');
  if (port) {
    h.port = checkPort(port);
  }
  const key = publicKeyOf(pem);
  if (key !== undefined) {
    h.publicKey = key;
  }
  return h;
}

function checkPort(e: Entry): number {
  const n = Number(e.value);
  if (!/^\d+$/.test(e.value) || n < 1 || n > 65535) {
    throw new TincParseError(e.line, `Port ${JSON.stringify(e.value)} is not a port number`);
  }
  return n;
}

/** IPv4 subnets are what Salvo writes; other forms (IPv6, MAC, #weight) are passed through. */
function checkSubnet(e: Entry): string {
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(#\d+)?$/.exec(e.value);
  if (v4) {
    if (!isIPv4(v4[1]!) || (v4[2] !== undefined && Number(v4[2]) > 32)) {
      throw new TincParseError(e.line, `Subnet ${JSON.stringify(e.value)} is not an IPv4 subnet`);
    }
  } else if (!/^[0-9A-Fa-f:./#]+$/.test(e.value)) {
    throw new TincParseError(e.line, `Subnet ${JSON.stringify(e.value)} is not a subnet`);
  }
  return e.value;
}

function publicKeyOf(pem: { label: string; body: string; line: number }[]): string | undefined {
  if (pem.length === 0) {
    return undefined;
  }
  if (pem.length > 1) {
    throw new TincParseError(
      pem[1]!.line,
      'a second key block (tincd reads only the first; remove the stale one)',
    );
  }
  const block = pem[0]!;
  if (block.label !== KEY_LABEL) {
    throw new TincParseError(
      block.line,
      `a ${block.label} block where tinc 1.0 expects ${KEY_LABEL}`,
    );
  }
  if (!isWholeDer(Buffer.from(block.body, 'base64'))) {
    throw new TincParseError(
      block.line,
      'the public key is damaged (its DER length does not match: truncated or edited)',
    );
  }
  return block.body;
}

/** A DER SEQUENCE whose length field matches the bytes present: catches truncated or spliced keys. */
export function isWholeDer(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) {
    return false;
  }
  const first = der[1]!;
  if (first < 0x80) {
    return der.length === 2 + first;
  }
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) {
    return false;
  }
  let len = 0;
  for (let i = 0; i < n; i++) {
    len = len * 256 + der[2 + i]!;
  }
  return der.length === 2 + n + len;
}
