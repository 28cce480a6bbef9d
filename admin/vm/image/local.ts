// An image on the admin machine: its files, their sha256 and the manifest (SHA256SUMS) whose own
// sha256 is the image's checksum.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { imageFiles, readImageMeta, type ImageMeta } from '../guest.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** An image on the admin machine, ready to push: its files and their checksums. */
export interface LocalImage {
  name: string;
  dir: string;
  meta: ImageMeta;
  files: { file: string; bytes: number; sha256: string }[];
  /** SHA256SUMS: `HASH  FILE` lines, sorted by file name (sha256sum's format). */
  manifest: string;
  sha256: string;
  bytes: number;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

/** The manifest text of `files` and the image checksum it gives. */
export function manifestOf(files: { file: string; sha256: string }[]): {
  manifest: string;
  sha256: string;
} {
  const manifest = [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.file), Buffer.from(b.file))) // as LC_ALL=C sort
    .map((f) => `${f.sha256}  ${f.file}`)
    .join('\n');
  return { manifest, sha256: createHash('sha256').update(`${manifest}\n`).digest('hex') };
}

/** A directory holding image.json (disk, kernel, initrd, append) and the files it names. */
export async function localImage(source: string, name?: string): Promise<LocalImage> {
  const dir = resolve(source);
  const n = name ?? basename(dir);
  if (!NAME.test(n)) {
    throw new UsageError(
      `image name "${n}": letters, digits, _ . - (at most 64, starting with a letter or digit); give --name`,
    );
  }
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new Error('not a directory');
    }
  } catch (e) {
    throw new UsageError(
      `${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (give a directory holding image.json and its files)`,
    );
  }
  const meta = readImageMeta(join(dir, 'image.json'), n);
  const files = await Promise.all(
    imageFiles(meta).map(async (file) => {
      const path = join(dir, file);
      let bytes: number;
      try {
        bytes = (await stat(path)).size;
      } catch {
        throw new UsageError(`${path}: image.json names it, but it cannot be read`);
      }
      return { file, bytes, sha256: await sha256File(path) };
    }),
  );
  return {
    name: n,
    dir,
    meta,
    files,
    ...manifestOf(files),
    bytes: files.reduce((s, f) => s + f.bytes, 0),
  };
}
