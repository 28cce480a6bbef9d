// Files Salvo keeps for itself between runs (V8's compiled code, parsed services files) under the
// user's cache directory. What is read back from them is trusted (V8 runs cached code; a cached
// inventory names the hosts to connect to), so a file is used only when it and its directory
// belong to the user and nobody else can write them, and it is written whole or not at all.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomicSync } from '../fs/index.js';

/** `$XDG_CACHE_HOME/salvo/<sub>` or `~/.cache/salvo/<sub>`; undefined when there is no home. */
export function salvoCacheDir(sub: string): string | undefined {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : '');
  return base ? join(base, 'salvo', sub) : undefined;
}

/**
 * Make the directory (0700) if needed; true only if it is ours and nobody else can write it.
 * Nothing is created under a directory of someone else's (root run with another user's HOME,
 * as `sudo` without -H leaves it): the nearest existing ancestor must be ours too.
 */
export function ownPrivateDir(dir: string): boolean {
  try {
    if (!ownedByUs(lstatSync(nearestExisting(dir)).uid)) {
      return false;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && ownedByUs(st.uid) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The file's bytes if it is a regular file of ours that nobody else can write; else undefined. */
export function readOwnFile(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || !ownedByUs(st.uid) || (st.mode & 0o022) !== 0) {
      return undefined;
    }
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/** Write 0600 beside and rename, so readers never see half a file. False if it could not. */
export function writeOwnFile(file: string, data: Buffer): boolean {
  try {
    writeFileAtomicSync(file, data, { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

function nearestExisting(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d) || dirname(d) === d) {
      return d;
    }
  }
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || uid === process.getuid();
}
