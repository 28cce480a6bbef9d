// SSH public key blobs (RFC 4253 wire format): their type and the fingerprint people compare.
import { createHash } from 'node:crypto';
import { AdminError } from '../../errors.js';

/** Read the leading `string` field of an SSH wire blob: uint32 length, then bytes. */
function readSshString(blob: Buffer, offset: number): { value: Buffer; next: number } | null {
  if (blob.length < offset + 4) {
    return null;
  }
  const len = blob.readUInt32BE(offset);
  const end = offset + 4 + len;
  if (end > blob.length) {
    return null;
  }
  return { value: blob.subarray(offset + 4, end), next: end };
}

/** The key type inside a blob, e.g. `ssh-ed25519`; null when the blob is not well formed. */
export function tryKeyTypeOf(blob: Buffer): string | null {
  const s = readSshString(blob, 0);
  if (s === null || s.value.length === 0) {
    return null;
  }
  const type = s.value.toString('latin1');
  // A type name is printable ASCII; anything else means we were handed something else (a PEM…).
  return /^[\x21-\x7e]+$/.test(type) && s.next < blob.length ? type : null;
}

/** The key type inside a blob, e.g. `ssh-ed25519`. Throws on a malformed blob. */
export function keyTypeOf(blob: Buffer): string {
  const type = tryKeyTypeOf(blob);
  if (type === null) {
    throw new AdminError('malformed SSH public key blob');
  }
  return type;
}

/** `SHA256:…` exactly as `ssh-keygen -lf` prints it (base64 of the digest, no padding). */
export function fingerprintSha256(blob: Buffer): string {
  const digest = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * The label ssh-keygen prints in parentheses (`ED25519`, `RSA`, `ECDSA`, `ED25519-SK`…), so our
 * messages can be compared with `ssh-keygen -lf` at a glance.
 */
export function keyLabel(type: string): string {
  if (type === 'ssh-ed25519') {
    return 'ED25519';
  }
  if (type === 'ssh-rsa') {
    return 'RSA';
  }
  if (type === 'ssh-dss') {
    return 'DSA';
  }
  if (type.startsWith('ecdsa-sha2-')) {
    return 'ECDSA';
  }
  if (type.startsWith('sk-ssh-ed25519')) {
    return 'ED25519-SK';
  }
  if (type.startsWith('sk-ecdsa-sha2-')) {
    return 'ECDSA-SK';
  }
  return type.toUpperCase();
}

/**
 * Key types that OpenSSH treats as "the same type" when deciding that a host key changed:
 * all ECDSA curves count as one, as in sshkey_type_plain().
 */
export function keyFamily(type: string): string {
  if (type.startsWith('ecdsa-sha2-')) {
    return 'ecdsa';
  }
  if (type.startsWith('sk-ecdsa-sha2-')) {
    return 'sk-ecdsa';
  }
  return type;
}

/** `ED25519 SHA256:…`: the short form used in every host-key message. */
export function describeKey(blob: Buffer): string {
  const type = tryKeyTypeOf(blob);
  return `${type === null ? 'UNKNOWN' : keyLabel(type)} ${fingerprintSha256(blob)}`;
}
