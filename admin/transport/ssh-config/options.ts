// How to connect, beyond where: the ssh_config directives Salvo honours (keepalives, attempts,
// address family, bind address, algorithms, IdentitiesOnly, HostKeyAlias), checked, and the ones
// it refuses rather than connect differently from ssh.
import { ConfigError } from '../../errors.js';
import type { SshTarget } from '../types.js';
import { firstSetting, type HostSettings, type Setting } from './evaluate.js';

/** Options that change how the connection is made, beyond where it goes. */
export function connectionOptions(settings: HostSettings): Partial<SshTarget> {
  const out: Partial<SshTarget> = {};
  const one = (param: string): { s: Setting; v: string } | undefined => {
    const s = firstSetting(settings, param);
    return s === undefined ? undefined : { s, v: s.values.join(' ').trim() };
  };
  const yesNo = (param: string): boolean | undefined => {
    const got = one(param);
    if (got === undefined) {
      return undefined;
    }
    const v = got.v.toLowerCase();
    if (v !== 'yes' && v !== 'no') {
      throw settingError(got.s, `${got.s.values.join(' ')}: expected yes or no`);
    }
    return v === 'yes';
  };
  const count = (param: string, min: number): number | undefined => {
    const got = one(param);
    if (got === undefined) {
      return undefined;
    }
    if (!/^\d+$/.test(got.v) || Number(got.v) < min) {
      throw settingError(got.s, `${param} ${got.v}: expected a whole number ≥ ${min}`);
    }
    return Number(got.v);
  };
  if (yesNo('identitiesonly')) {
    out.identitiesOnly = true;
  }
  const strict = one('stricthostkeychecking');
  if (strict !== undefined && !['yes', 'ask'].includes(strict.v.toLowerCase())) {
    throw settingError(
      strict.s,
      `StrictHostKeyChecking ${strict.v}: Salvo always checks host keys strictly and never records one on its own; remove the line for these hosts (record keys on purpose with \`salvo hosts trust\`)`,
    );
  }
  const alias = one('hostkeyalias');
  if (alias !== undefined) {
    out.hostKeyAlias = alias.v;
  }
  const interval = count('serveraliveinterval', 0);
  if (interval !== undefined) {
    out.keepaliveIntervalMs = interval * 1000;
  }
  const countMax = count('serveralivecountmax', 0);
  if (countMax !== undefined) {
    out.keepaliveCountMax = countMax;
  }
  const attempts = count('connectionattempts', 1);
  if (attempts !== undefined) {
    out.connectionAttempts = attempts;
  }
  const family = one('addressfamily');
  if (family !== undefined) {
    const v = family.v.toLowerCase();
    if (!['any', 'inet', 'inet6'].includes(v)) {
      throw settingError(family.s, `AddressFamily ${family.v}: expected any, inet or inet6`);
    }
    if (v !== 'any') {
      out.addressFamily = v as 'inet' | 'inet6';
    }
  }
  const bind = one('bindaddress');
  if (bind !== undefined) {
    out.bindAddress = bind.v;
  }
  const algorithms: NonNullable<SshTarget['algorithms']> = {};
  for (const [param, key] of ALGORITHM_PARAMS) {
    const got = one(param);
    if (got !== undefined) {
      algorithms[key] = got.v;
    }
  }
  if (Object.keys(algorithms).length > 0) {
    out.algorithms = algorithms;
  }
  return out;
}

const ALGORITHM_PARAMS: readonly [string, 'kex' | 'cipher' | 'hmac' | 'serverHostKey'][] = [
  ['kexalgorithms', 'kex'],
  ['ciphers', 'cipher'],
  ['macs', 'hmac'],
  ['hostkeyalgorithms', 'serverHostKey'],
];

/**
 * Directives that would change where or how ssh connects and that Salvo does not implement:
 * refused with their file and line, never ignored. `ok` is the value that changes nothing.
 */
const REFUSED: readonly { param: string; name: string; ok?: string[] }[] = [
  { param: 'canonicalizehostname', name: 'CanonicalizeHostname', ok: ['no'] },
  { param: 'certificatefile', name: 'CertificateFile' },
  { param: 'pkcs11provider', name: 'PKCS11Provider', ok: ['none'] },
  { param: 'knownhostscommand', name: 'KnownHostsCommand', ok: ['none'] },
  { param: 'proxyusefdpass', name: 'ProxyUseFdpass', ok: ['no'] },
  { param: 'tunnel', name: 'Tunnel', ok: ['no'] },
  { param: 'remotecommand', name: 'RemoteCommand', ok: ['none'] },
  { param: 'bindinterface', name: 'BindInterface' },
  { param: 'hostbasedauthentication', name: 'HostbasedAuthentication', ok: ['no'] },
];

export function refuseUnsupported(settings: HostSettings): void {
  for (const r of REFUSED) {
    const s = firstSetting(settings, r.param);
    if (s !== undefined && !(r.ok ?? []).includes(s.values.join(' ').trim().toLowerCase())) {
      throw settingError(
        s,
        `${r.name} ${s.values.join(' ')} is not supported by Salvo, which would connect differently from ssh; remove it for these hosts (or set ssh.config to another file, or null)`,
      );
    }
  }
}

/** A ConfigError at the directive's file and line. */
export function settingError(s: Setting, message: string): ConfigError {
  return new ConfigError([
    { file: s.file, line: s.line, col: 1, message: `ssh_config: ${message}` },
  ]);
}
