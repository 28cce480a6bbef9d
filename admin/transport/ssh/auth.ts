// Client authentication: identity files (read and parsed once per process) then the agent,
// tried in that order through one ssh2 authHandler.
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseKey } from './ssh2.js';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';

type IdentityLoad = { key: ParsedKey } | { note: string } | { missing: true };

// 200 hosts share the same few key files: read and parse each once, not once per connection.
const identityCache = new Map<string, Promise<IdentityLoad>>();

export interface Credentials {
  methods: AnyAuthMethod[];
  /** What will be offered, for the auth-failure message: `key ~/.ssh/id_ed25519`, `agent`. */
  offered: string[];
  /** Why some identity files were skipped (unreadable, encrypted, not a private key). */
  notes: string[];
}

export async function loadCredentials(
  username: string,
  identityFiles: readonly string[],
  agentSocket: string | undefined,
): Promise<Credentials> {
  const creds: Credentials = { methods: [], offered: [], notes: [] };
  for (const file of identityFiles) {
    const loaded = await loadIdentity(file);
    if ('key' in loaded) {
      creds.methods.push({ type: 'publickey', username, key: loaded.key });
      creds.offered.push(`key ${file}`);
    } else if ('note' in loaded) {
      creds.notes.push(loaded.note);
    }
  }
  if (agentSocket) {
    creds.methods.push({ type: 'agent', username, agent: agentSocket });
    creds.offered.push('agent');
  }
  return creds;
}

/** Offer each method once, in order, then give up (ssh2 then reports an auth failure). */
export function authHandler(methods: readonly AnyAuthMethod[]): AuthHandlerMiddleware {
  const queue = [...methods];
  return () => queue.shift() ?? false;
}

function loadIdentity(file: string): Promise<IdentityLoad> {
  let pending = identityCache.get(file);
  if (!pending) {
    pending = readIdentity(file);
    identityCache.set(file, pending);
  }
  return pending;
}

async function readIdentity(file: string): Promise<IdentityLoad> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Default identity files (~/.ssh/id_rsa …) usually do not exist: that is not worth a note.
    if (code === 'ENOENT') {
      return { missing: true };
    }
    return { note: `skipped identity ${file}: cannot read it (${code ?? String(err)})` };
  }
  const parsed = parseKey(data);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    return {
      note: encrypted
        ? `skipped identity ${file}: it is encrypted; load it into ssh-agent instead`
        : `skipped identity ${file}: ${parsed.message}`,
    };
  }
  // parseKey may return several keys for one file at runtime; the first is the one ssh uses.
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key?.isPrivateKey()) {
    return { note: `skipped identity ${file}: not a private key` };
  }
  return { key: withKeyObjectSigner(key) };
}

/**
 * ssh2 signs with the key's PEM text, which OpenSSL parses again on every signature (0.5 ms for an
 * ed25519 key here, against 0.04 ms with a parsed KeyObject): 200 connections pay that 200 times.
 * For ed25519 (no hash to choose: ssh2 calls crypto.sign(null, data, pem)) sign the same way with
 * a KeyObject made once. Other key types keep ssh2's own signing.
 */
export function withKeyObjectSigner(key: ParsedKey): ParsedKey {
  if (key.type !== 'ssh-ed25519') {
    return key;
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key;
  }
  const ssh2Sign = key.sign.bind(key);
  key.sign = (data, algo) => {
    try {
      return cryptoSign(null, typeof data === 'string' ? Buffer.from(data) : data, keyObject);
    } catch {
      return ssh2Sign(data, algo); // ssh2's own result, an Error included
    }
  };
  return key;
}
