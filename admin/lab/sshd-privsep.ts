// sshd run as root refuses to start without its privilege-separation directory; Debian's
// package creates it from its init script, which a lab never runs (a fresh machine has none).
import { mkdir } from 'node:fs/promises';

/** Create /run/sshd (0755) when running as root; a no-op otherwise. */
export async function ensureSshdPrivsepDir(): Promise<void> {
  if (process.getuid?.() === 0) {
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  }
}
