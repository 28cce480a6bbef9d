// Ask a host for its key without logging in: ssh2 hands the key to hostVerifier during key
// exchange; we keep it and refuse it, so the connection ends before any authentication.
import type { Duplex } from 'node:stream';
import ssh2, { type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectError } from '../../errors.js';
import { fingerprintSha256, keyTypeOf } from './fingerprint.js';
import type { SshTarget } from '../types.js';

export interface ScannedKey {
  blob: Buffer; // SSH wire-format public key
  type: string; // e.g. ssh-ed25519
  fingerprint: string; // SHA256:…
}

export interface ScanOptions {
  /** A stream already open to the host, e.g. a channel through its ProxyJump (made by the pool). */
  sock?: Duplex;
  /** Ask for these host key algorithms, best first (default: ssh2's, as the pool negotiates). */
  hostKeyAlgorithms?: ServerHostKeyAlgorithm[];
}

/** The host's key, or a ConnectError saying why it could not be had (dns, refused, timeout…). */
export function scanHostKey(target: SshTarget, opts: ScanOptions = {}): Promise<ScannedKey> {
  if (target.proxyJump !== undefined && opts.sock === undefined) {
    const why = `reached through ProxyJump ${target.proxyJump.name}: scanning its key needs a tunnel through the jump host`;
    return Promise.reject(new ConnectError(target.name, 'other', why));
  }
  if (target.proxyCommand !== undefined && opts.sock === undefined) {
    const why = `reached through ProxyCommand "${target.proxyCommand}": Salvo does not scan keys through it; add the key with ssh-keyscan through the proxy, or connect once with ssh`;
    return Promise.reject(new ConnectError(target.name, 'other', why));
  }
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client(); // ssh2 is CommonJS: no named exports at run time
    let key: Buffer | undefined;
    let settled = false;
    const finish = (err: Error | undefined): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      client.destroy();
      if (key !== undefined) {
        resolve({ blob: key, type: keyTypeOf(key), fingerprint: fingerprintSha256(key) });
      } else {
        reject(toConnectError(target, err));
      }
    };
    // ssh2's readyTimeout is the same deadline; this one also covers a stalled custom `sock`.
    const timer = setTimeout(() => finish(timeoutError()), target.connectTimeoutMs);
    client.on('error', (err) => finish(err));
    client.on('close', () =>
      finish(protocolError('connection closed before the host sent its key')),
    );
    client.connect(
      connectConfig(target, opts, (blob) => {
        key = Buffer.from(blob);
        return false; // refuse: we only wanted the key
      }),
    );
  });
}

function connectConfig(
  target: SshTarget,
  opts: ScanOptions,
  verify: (key: Buffer) => boolean,
): ConnectConfig {
  const config: ConnectConfig = {
    host: target.hostname,
    port: target.port,
    username: target.user,
    readyTimeout: target.connectTimeoutMs,
    hostVerifier: verify,
  };
  if (opts.sock !== undefined) {
    config.sock = opts.sock;
  }
  if (opts.hostKeyAlgorithms !== undefined) {
    config.algorithms = { serverHostKey: opts.hostKeyAlgorithms };
  }
  return config;
}

function protocolError(message: string): Error {
  return Object.assign(new Error(message), { level: 'protocol' });
}

function timeoutError(): Error {
  return Object.assign(new Error('Timed out while waiting for handshake'), {
    level: 'client-timeout',
  });
}

/** Map a socket or ssh2 error to the reasons the rest of Salvo acts on. */
export function toConnectError(target: SshTarget, err: Error | undefined): ConnectError {
  const where = `${target.hostname}:${target.port}`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const level = (err as { level?: string } | undefined)?.level;
  const detail = err?.message ?? 'no host key received';
  if (
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EAI_NONAME' ||
    level === 'client-dns'
  ) {
    return new ConnectError(
      target.name,
      'dns',
      `cannot resolve ${target.hostname} (${code ?? detail})`,
    );
  }
  if (code === 'ECONNREFUSED') {
    return new ConnectError(target.name, 'refused', `connection refused by ${where}`);
  }
  if (code === 'ETIMEDOUT' || level === 'client-timeout') {
    return new ConnectError(
      target.name,
      'timeout',
      `no SSH handshake from ${where} within ${target.connectTimeoutMs} ms`,
    );
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new ConnectError(target.name, 'other', `${where} is unreachable (${code})`);
  }
  if (level === 'handshake' || level === 'protocol' || code === 'ECONNRESET') {
    return new ConnectError(
      target.name,
      'protocol',
      `SSH handshake with ${where} failed: ${detail}`,
    );
  }
  return new ConnectError(target.name, 'other', `${where}: ${detail}`);
}
