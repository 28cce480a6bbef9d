// ed25519 key pairs in OpenSSH format, made in-process (forking ssh-keygen 400 times is slow).
import ssh2 from 'ssh2';

export interface KeyPair {
  /** '-----BEGIN OPENSSH PRIVATE KEY-----…', ends with a newline. */
  privateKey: string;
  /** 'ssh-ed25519 AAAA… comment', one line, no newline. */
  publicKey: string;
}

/**
 * ssh2 1.17 strips every leading zero byte of the public key, not just the BIT STRING's
 * unused-bits byte, so about 1 key in 256 comes out with 31 bytes and OpenSSH rejects it
 * ("error in libcrypto"; mscdex/ssh2#1390, #1513). Such pairs are thrown away and drawn again.
 */
export function makeKeyPair(comment: string): KeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!isWellFormed(pair.public)) {
      continue;
    }
    const privateKey = pair.private.endsWith('\n') ? pair.private : `${pair.private}\n`;
    return { privateKey, publicKey: pair.public.trim() };
  }
}

/** 'ssh-ed25519 BASE64…': the blob is string "ssh-ed25519" then a string of exactly 32 bytes. */
export function isWellFormed(publicKey: string): boolean {
  const blob = Buffer.from(publicKey.split(/\s+/)[1] ?? '', 'base64');
  if (blob.length < 4) {
    return false;
  }
  const nameLength = blob.readUInt32BE(0);
  const at = 4 + nameLength;
  if (blob.toString('latin1', 4, at) !== 'ssh-ed25519' || blob.length < at + 4) {
    return false;
  }
  return blob.readUInt32BE(at) === 32 && blob.length === at + 4 + 32;
}

/** 'ssh-ed25519 AAAA…' without the comment, as known_hosts wants it. */
export function keyBody(publicKey: string): string {
  return publicKey.split(/\s+/).slice(0, 2).join(' ');
}
