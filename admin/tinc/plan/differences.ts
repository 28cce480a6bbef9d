// Why a file on a host is not what it should be, in words an operator can act on. Pure.
import { TincParseError } from '../errors.js';
import { parseHostFile, type HostFile } from '../config/index.js';
import { parseTincConf, type TincConf } from '../config/index.js';
import { parseTincDown, parseTincUp } from '../config/index.js';

/** `actual` is the text on the host; `desired` what Salvo would write. */
export function describeDifference(path: string, actual: string, desired: string): string {
  try {
    if (path === 'tinc.conf') {
      return confDifference(parseTincConf(actual), parseTincConf(desired));
    }
    if (path.startsWith('hosts/')) {
      return hostDifference(parseHostFile(actual), parseHostFile(desired));
    }
    const parse = path === 'tinc-up' ? parseTincUp : parseTincDown;
    const [a, d] = [parse(actual), parse(desired)];
    if (!a) {
      return 'not written by Salvo';
    }
    return d && (a.address !== d.address || a.prefix !== d.prefix)
      ? `assigns ${a.address}/${a.prefix}, services file says ${d.address}/${d.prefix}`
      : 'differs';
  } catch (e) {
    if (e instanceof TincParseError) {
      return `damaged: ${e.message}`;
    }
    throw e;
  }
}

function confDifference(a: TincConf, d: TincConf): string {
  const parts: string[] = [];
  for (const k of ['name', 'interface', 'addressFamily', 'mode'] as const) {
    if (a[k] !== d[k]) {
      parts.push(`${k} ${a[k] ?? '(none)'} → ${d[k] ?? '(none)'}`);
    }
  }
  const added = d.connectTo.filter((n) => !a.connectTo.includes(n));
  const dropped = a.connectTo.filter((n) => !d.connectTo.includes(n));
  if (added.length) {
    parts.push(`ConnectTo + ${added.join(' ')}`);
  }
  if (dropped.length) {
    parts.push(`ConnectTo − ${dropped.join(' ')}`);
  }
  if (JSON.stringify(a.extra) !== JSON.stringify(d.extra)) {
    parts.push('other settings');
  }
  return parts.length ? parts.join('; ') : 'formatting differs';
}

function hostDifference(a: HostFile, d: HostFile): string {
  const parts: string[] = [];
  const show = (v: readonly string[] | number | undefined): string =>
    Array.isArray(v) ? v.join(' ') : String(v ?? '(none)');
  if (show(a.addresses) !== show(d.addresses)) {
    parts.push(`Address ${show(a.addresses)} → ${show(d.addresses)}`);
  }
  if (a.port !== d.port) {
    parts.push(`Port ${show(a.port)} → ${show(d.port)}`);
  }
  if (show(a.subnets) !== show(d.subnets)) {
    parts.push(`Subnet ${show(a.subnets)} → ${show(d.subnets)}`);
  }
  if (a.publicKey !== d.publicKey) {
    parts.push(a.publicKey === undefined ? 'no public key' : 'a different public key');
  }
  if (JSON.stringify(a.extra) !== JSON.stringify(d.extra)) {
    parts.push('other settings');
  }
  return parts.length ? parts.join('; ') : 'formatting differs';
}

/** Does going from `actual` to `desired` tinc.conf need a restart? ConnectTo alone does not. */
export function confNeedsRestart(actual: string, desired: string): boolean {
  try {
    const [a, d] = [parseTincConf(actual), parseTincConf(desired)];
    const fields = (c: TincConf): string =>
      JSON.stringify([c.name, c.interface, c.addressFamily, c.mode, c.extra]);
    return fields(a) !== fields(d);
  } catch {
    return true;
  }
}
