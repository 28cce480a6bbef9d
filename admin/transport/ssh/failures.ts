// ssh2's errors during a connect, mapped to the ConnectError reasons the rest of Salvo acts on,
// and whether retrying may help.
import { ConnectError, type ConnectReason } from '../../errors.js';
import type { Credentials } from './auth.js';
import type { SshTarget } from '../types.js';

export interface Failure {
  error: ConnectError;
  transient: boolean;
}

/** connect_timeout passed before the server sent anything (or before TCP connected). */
export function silentError(): SshError {
  return Object.assign(new Error('Timed out waiting for the server to speak'), {
    level: 'connect-timeout',
  });
}

export type SshError = Error & { level?: string; code?: string };

export function isFinalAuthError(err: SshError): boolean {
  return err.message.startsWith('All configured authentication methods failed');
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);

export function classify(
  target: SshTarget,
  creds: Credentials,
  err: SshError,
  refusal?: ConnectError,
): Failure {
  if (refusal) {
    return { error: refusal, transient: false };
  }
  const at = `${target.user}@${target.hostname}:${target.port}`;
  const fail = (reason: ConnectReason, message: string, transient = false): Failure => ({
    error: new ConnectError(target.name, reason, message),
    transient,
  });
  if (err.level === 'client-authentication') {
    const notes = creds.notes.length ? `; ${creds.notes.join('; ')}` : '';
    return fail(
      'auth',
      `authentication failed for ${at} (offered: ${creds.offered.join(', ') || 'nothing'})${notes}`,
    );
  }
  if (err.level === 'connect-timeout') {
    return fail(
      'timeout',
      `no SSH handshake with ${at} within ${target.connectTimeoutMs} ms`,
      true,
    );
  }
  if (err.level === 'client-timeout') {
    // ssh2's readyTimeout: the server spoke, then key exchange or authentication stalled.
    return fail('timeout', `${at} answered but its SSH handshake did not finish in time`, true);
  }
  if (err.code === 'ECONNREFUSED') {
    return fail('refused', `connection refused by ${target.hostname}:${target.port}`, true);
  }
  if (err.code === 'ETIMEDOUT') {
    return fail('timeout', `connecting to ${target.hostname}:${target.port} timed out`, true);
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return fail('dns', `cannot resolve ${target.hostname}`);
  }
  if (err.code && TRANSIENT_CODES.has(err.code)) {
    return fail('other', `${at}: ${err.message}`, true);
  }
  if (err.level === 'protocol' || err.level === 'handshake') {
    return fail('protocol', `SSH protocol error with ${at}: ${err.message}`);
  }
  return fail('other', `${at}: ${err.message}`);
}
