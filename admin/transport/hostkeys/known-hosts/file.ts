// Rewriting a known_hosts file so that a crash or a concurrent reader (ssh itself) never sees
// half a file: temp file in the same directory, fsync, rename, fsync the directory.
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../../fs/index.js';

// Rewrites of one file within this process run one after another, so two trusts never race.
const queues = new Map<string, Promise<unknown>>();

/**
 * Replace `file`'s text with `edit(old)`; '' when the file does not exist yet (its directory is
 * created, 0700 like ~/.ssh). Keeps the mode; follows a symlink so a dotfiles link stays a link.
 * When `edit` returns the text unchanged nothing is written.
 */
export async function rewriteFile(file: string, edit: (old: string) => string): Promise<void> {
  const target = await resolveTarget(file);
  const previous = queues.get(target) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => rewriteNow(target, edit));
  queues.set(target, run);
  try {
    await run;
  } finally {
    if (queues.get(target) === run) {
      queues.delete(target);
    }
  }
}

async function resolveTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return file; // does not exist (yet): write it where asked
  }
}

async function rewriteNow(file: string, edit: (old: string) => string): Promise<void> {
  const { text, mode } = await readExisting(file);
  const next = edit(text);
  if (next === text) {
    return;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // 0644 (less the umask) for a new file, as ssh creates known_hosts; the old mode otherwise.
  await writeFileAtomic(file, next, { fsync: true, ...(mode !== null ? { mode } : {}) });
}

async function readExisting(file: string): Promise<{ text: string; mode: number | null }> {
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, mode: st.mode & 0o7777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { text: '', mode: null };
    }
    throw err;
  }
}
