// Secrets of a deployment: secrets/<deployment>/<name> next to the services file, one random
// password per file (24 characters, URL-safe base64 of 18 random bytes), files 0600 in a 0700
// directory (secrets/ is gitignored). Generated once and kept; never printed, never logged,
// never put in a command line.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/index.js';

export function secretsDir(servicesDir: string, deployment: string): string {
  return join(servicesDir, 'secrets', deployment);
}

export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The secret `name`, or undefined when there is none yet. */
export async function readSecret(dir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, name), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** Every named secret, generating the missing ones. Returns which were new. */
export async function ensureSecrets(
  dir: string,
  names: readonly string[],
): Promise<{ values: Map<string, string>; created: string[] }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await ignoredByGit(dirname(dir));
  const values = new Map<string, string>();
  const created: string[] = [];
  for (const name of names) {
    let v = await readSecret(dir, name);
    if (v === undefined) {
      v = newPassword();
      await writeFileAtomic(join(dir, name), `${v}\n`, { mode: 0o600, fsync: true });
      created.push(name);
    }
    values.set(name, v);
  }
  return { values, created };
}

/**
 * secrets/ keeps a .gitignore of its own, so a services file kept in git never takes its secrets
 * along, whatever the repository's own .gitignore says.
 */
async function ignoredByGit(root: string): Promise<void> {
  const file = join(root, '.gitignore');
  if ((await readFile(file, 'utf8').catch(() => undefined)) === undefined) {
    await writeFileAtomic(file, '# written by salvo: secrets never go into git\n*\n', {
      mode: 0o600,
    });
  }
}

/** Names and modes of the secrets in `dir` (never their values). */
export async function listSecrets(dir: string): Promise<{ name: string; mode: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: { name: string; mode: string }[] = [];
  for (const name of names.filter((n) => !n.startsWith('.')).sort()) {
    const st = await stat(join(dir, name));
    if (st.isFile()) {
      out.push({ name, mode: (st.mode & 0o777).toString(8).padStart(4, '0') });
    }
  }
  return out;
}
