// fs: the one way Salvo replaces a file. The text goes to a temp file beside the target, then a
// rename puts it in place, so a reader sees the old file or the new one, never half of either;
// a failed write removes its temp file and leaves the old file as it was.
// node:fs/promises through fs.promises, a getter that loads it on first use: the module (with
// readline and the stream modules) is not needed by commands that never write a file this way.
import {
  chmodSync,
  closeSync,
  promises as fsp,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's mode, exactly (the umask does not narrow it). Without it: 0644 less the umask. */
  mode?: number;
  /** Flush the file and its directory before returning, so the new file survives a crash. */
  fsync?: boolean;
}

/** A fresh name beside `file`, hidden, that no other writer (process or call) picks. */
// The temp file is created exclusively (wx): the tag only has to make clashes rare, not be secret.
// Not node:crypto, whose load is a measurable part of every CLI start (the launcher writes here).
let written = 0;
function tempPath(file: string): string {
  const rand = Math.floor(Math.random() * 0x1_0000_0000).toString(16);
  const tag = `${process.pid}-${++written}-${rand}`;
  return join(dirname(file), `.${basename(file)}.salvo-${tag}.tmp`);
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPath(file);
  try {
    const fh = await fsp.open(temp, 'wx', opts.mode ?? 0o644);
    try {
      await fh.writeFile(data);
      if (opts.fsync) {
        await fh.sync();
      }
    } finally {
      await fh.close();
    }
    if (opts.mode !== undefined) {
      await fsp.chmod(temp, opts.mode);
    }
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
  if (opts.fsync) {
    await syncDir(dirname(file));
  }
}

export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): void {
  const temp = tempPath(file);
  try {
    const fd = openSync(temp, 'wx', opts.mode ?? 0o644);
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (opts.fsync) {
        fsyncSync(fd);
      }
    } finally {
      closeSync(fd);
    }
    if (opts.mode !== undefined) {
      chmodSync(temp, opts.mode);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length; ) {
    off += writeSync(fd, data, off);
  }
}

/** Make a rename durable. Some filesystems refuse fsync on a directory: that is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}
