// The algorithms offered in a handshake: ours first, then what ssh_config's lists say.
import type { Algorithms } from 'ssh2';
import { preferredHostKeys, type HostKeyPolicy } from '../hostkeys/index.js';
import type { SshTarget } from '../types.js';

// curve25519 first: sntrup761 (OpenSSH 9's default) cost ~150 ms CPU per connection in the lab.
const MOVE_TO_FRONT = <T>(list: T[]): { remove: T[]; prepend: T[]; append: T[] } => ({
  remove: list,
  prepend: list,
  append: [],
});

export function algorithms(target: SshTarget, policy: HostKeyPolicy): Algorithms {
  const serverHostKey = preferredHostKeys(target, policy);
  const out: Algorithms = {
    kex: MOVE_TO_FRONT(['curve25519-sha256', 'curve25519-sha256@libssh.org']),
    cipher: MOVE_TO_FRONT(['aes128-gcm@openssh.com']),
    ...(serverHostKey ? { serverHostKey } : {}),
  };
  // ssh_config's lists replace ours (`+a` appends, `-a` removes, `^a` prepends, as ssh reads them).
  for (const [key, text] of Object.entries(target.algorithms ?? {})) {
    (out as Record<string, unknown>)[key] = sshAlgorithmList(text);
  }
  return out;
}

function sshAlgorithmList(
  text: string,
): string[] | { append: string[]; prepend: string[]; remove: string[] } {
  const first = text[0];
  const names = (first === '+' || first === '-' || first === '^' ? text.slice(1) : text)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (first === '+') {
    return { append: names, prepend: [], remove: [] };
  }
  if (first === '-') {
    return { append: [], prepend: [], remove: names };
  }
  if (first === '^') {
    return { append: [], prepend: names, remove: names };
  }
  return names;
}
