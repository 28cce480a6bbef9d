// Opening one authenticated ssh2 Client: the connect and handshake bounds, the handshake window,
// host key check and auth (the algorithms offered: algorithms.ts; ssh2's errors mapped to
// ConnectError reasons: failures.ts). Transient failures are retried with jitter; auth and host
// key refusals never are (retrying cannot fix them and may lock the account).
import type { Duplex } from 'node:stream';
import pLimit from 'p-limit';
import { destroySocket, onServerSpeaks, tuneClient } from './ssh2.js';
import { Client as SshClient } from './ssh2.js';
import type { Client, ConnectConfig, NegotiatedAlgorithms } from 'ssh2';
import { ConnectError } from '../../errors.js';
import { algorithms } from './algorithms.js';
import {
  classify,
  type Failure,
  isFinalAuthError,
  silentError,
  type SshError,
} from './failures.js';
import { authHandler, loadCredentials, type Credentials } from './auth.js';
import { hostVerifier, type HostKeyPolicy } from '../hostkeys/index.js';
import type { SshTarget } from '../types.js';

export interface ConnectSettings {
  hostKeyPolicy: HostKeyPolicy;
  /** The policy for a target's own known_hosts files (ssh_config's UserKnownHostsFile…);
   * default: hostKeyPolicy for every target. */
  hostKeyPolicyFor?: (target: SshTarget) => Promise<HostKeyPolicy>;
  /**
   * Extra attempts after a fast transient failure (refused, reset), made only while the connect
   * deadline (ConnectTimeout × ConnectionAttempts) has time left: a timeout is never retried
   * past it. Default 2.
   */
  retries?: number;
  /** Random delay before a retry, [min, max] ms. Default [200, 800]. */
  retryDelayMs?: readonly [number, number];
  /**
   * How long key exchange and authentication may take once the server has spoken (the connect
   * timeout covers TCP and the server's first bytes, as ssh's ConnectTimeout does). Default
   * HANDSHAKE_TIMEOUT_MS.
   */
  handshakeTimeoutMs?: number;
  /** ssh-agent socket; default $SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** Things the operator may want to know that are not failures (skipped identity files). */
  onNote?: (host: string, note: string) => void;
}

/**
 * sshd gives an unauthenticated connection LoginGraceTime (120 s by default) before it hangs up;
 * we wait as long for key exchange and authentication once the server has sent its
 * identification. ssh itself sets no bound there: ConnectTimeout covers only TCP and the
 * server's first line, and a fleet-wide exec makes hundreds of sshds do their key exchange at
 * once, which can take longer than the connect timeout without anything being wrong.
 */
export const HANDSHAKE_TIMEOUT_MS = 120_000;

/** A stream to run SSH over instead of TCP (the ProxyJump hop), fresh for each attempt. */
export type SockFactory = () => Promise<Duplex>;

/**
 * Direct connections in their handshake at once, process-wide. Each costs the server a fork and
 * a re-executed sshd before it says a word; a thousand at once at one machine (a lab, a host
 * of many containers) make the last ones wait past any connect timeout for work that is only
 * queued. The connect timeout starts when a connection's turn comes, as each `ssh` of pdsh starts
 * its own clock. Proxied connections are not counted (their hop holds a turn of its own).
 */
export const HANDSHAKE_WINDOW = 128;
const handshakes = pLimit(HANDSHAKE_WINDOW);

export function connectClient(
  target: SshTarget,
  settings: ConnectSettings,
  sock?: SockFactory,
): Promise<Client> {
  return sock
    ? connectWithRetries(target, settings, sock)
    : handshakes(() => connectWithRetries(target, settings));
}

async function connectWithRetries(
  target: SshTarget,
  settings: ConnectSettings,
  sock?: SockFactory,
): Promise<Client> {
  const creds = await loadCredentials(
    target.user,
    target.identityFiles,
    target.identitiesOnly ? undefined : (settings.agentSocket ?? process.env.SSH_AUTH_SOCK),
  );
  for (const note of creds.notes) {
    settings.onNote?.(target.name, note);
  }
  const policy = settings.hostKeyPolicyFor
    ? await settings.hostKeyPolicyFor(target)
    : settings.hostKeyPolicy;
  const own = { ...settings, hostKeyPolicy: policy };
  const retries = settings.retries ?? 2;
  // The connect timeout bounds the whole connect, retries included: a host that accepts TCP but
  // never speaks SSH fails at the timeout given, not three times it. ssh_config's
  // ConnectionAttempts N (default 1) gives N tries of the timeout each, as ssh does.
  const attempts = target.connectionAttempts ?? 1;
  const budget = target.connectTimeoutMs * attempts;
  const deadline = Date.now() + budget;
  for (let attempt = 0; ; attempt++) {
    const left = Math.max(1, Math.min(target.connectTimeoutMs, deadline - Date.now()));
    const outcome = await attemptOnce({ ...target, connectTimeoutMs: left }, own, creds, sock);
    if (!('error' in outcome)) {
      return outcome.client;
    }
    const pause = jitter(settings.retryDelayMs ?? [200, 800]);
    const asked = attempt + 1 < attempts; // ConnectionAttempts wants another try
    if (
      !outcome.transient ||
      (attempt >= retries && !asked) ||
      deadline - Date.now() < pause + (asked ? 0 : 500)
    ) {
      throw attempt > 0
        ? withAttempts(outcome.error, attempt + 1, { ...target, connectTimeoutMs: budget })
        : outcome.error;
    }
    settings.onNote?.(
      target.name,
      `connect attempt ${attempt + 1} failed (${outcome.error.message}); retrying`,
    );
    await sleep(pause);
  }
}

/** The last attempt's error, saying how many there were within the connect timeout. */
function withAttempts(err: ConnectError, attempts: number, target: SshTarget): ConnectError {
  const prefix = `${target.name}: `;
  const own = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  const text = own.replace(/ within \d+ ms$/, '');
  return new ConnectError(
    target.name,
    err.reason,
    `${text} (${attempts} attempts within the connect timeout of ${target.connectTimeoutMs} ms)`,
  );
}

async function attemptOnce(
  target: SshTarget,
  settings: ConnectSettings,
  creds: Credentials,
  sock?: SockFactory,
): Promise<{ client: Client } | Failure> {
  let stream: Duplex | undefined;
  try {
    stream = await sock?.();
  } catch (err) {
    if (err instanceof ConnectError) {
      return { error: err, transient: err.reason === 'refused' };
    }
    return { error: new ConnectError(target.name, 'other', errorText(err)), transient: false };
  }
  return handshake(target, settings, creds, stream);
}

function handshake(
  target: SshTarget,
  settings: ConnectSettings,
  creds: Credentials,
  sock?: Duplex,
): Promise<{ client: Client } | Failure> {
  return new Promise((resolve) => {
    const client = new SshClient();
    let refusal: ConnectError | undefined;
    let settled = false;
    const settle = (value: { client: Client } | Failure): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(silent);
      client.off('error', onError).off('close', onClose);
      if ('error' in value) {
        client.on('error', () => undefined); // late errors from a dead client must not crash us
        client.end();
        setTimeout(() => destroySocket(client), 1000).unref(); // a vanished peer never answers
      }
      resolve(value);
    };
    const onError = (err: SshError): void => {
      // ssh2 reports a failing agent or key as an error but carries on with the next method.
      if (
        err.level === 'agent' ||
        (err.level === 'client-authentication' && !isFinalAuthError(err))
      ) {
        settings.onNote?.(target.name, `auth: ${err.message}`);
        return;
      }
      settle(classify(target, creds, err, refusal));
    };
    const onClose = (): void =>
      settle(classify(target, creds, new Error('connection closed during handshake'), refusal));
    client
      .on('error', onError)
      .on('close', onClose)
      .once('ready', () => settle({ client }));
    // What was negotiated, for `salvo exec -v` (as `ssh -v` prints it); listened to only when asked.
    if (settings.onNote) {
      client.once('handshake', (n: NegotiatedAlgorithms) =>
        settings.onNote?.(
          target.name,
          `${target.user}@${target.hostname}:${target.port}: kex ${n.kex}, host key ${n.serverHostKey}, cipher ${n.cs.cipher}`,
        ),
      );
    }
    const config: ConnectConfig = {
      host: target.hostname,
      port: target.port,
      username: target.user,
      // The whole handshake's bound; connect_timeout's own (TCP and the server's first bytes) is
      // the timer below.
      readyTimeout: Math.max(
        settings.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
        target.connectTimeoutMs,
      ),
      keepaliveInterval: target.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: target.keepaliveCountMax ?? 4,
      algorithms: algorithms(target, settings.hostKeyPolicy),
      ...(target.addressFamily === 'inet' ? { forceIPv4: true } : {}),
      ...(target.addressFamily === 'inet6' ? { forceIPv6: true } : {}),
      ...(target.bindAddress !== undefined ? { localAddress: target.bindAddress } : {}),
      hostVerifier: hostVerifier(target, settings.hostKeyPolicy, (err) => {
        refusal = err;
      }),
      authHandler: authHandler(creds.methods),
      ...(sock ? { sock } : {}),
    };
    // On expiry, bytes that arrived while the event loop was busy (200 handshakes at once) are
    // read first: timers run before I/O in a loop turn, setImmediate after it.
    let spoke = false;
    const silent = setTimeout(
      () => setImmediate(() => spoke || settle(classify(target, creds, silentError(), refusal))),
      target.connectTimeoutMs,
    );
    try {
      client.connect(config);
      tuneClient(client);
      onServerSpeaks(client, () => {
        spoke = true;
        clearTimeout(silent);
      });
    } catch (err) {
      settle(classify(target, creds, err instanceof Error ? err : new Error(String(err)), refusal));
    }
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function jitter([min, max]: readonly [number, number]): number {
  return min + Math.random() * Math.max(0, max - min);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
