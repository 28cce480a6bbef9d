// conf/tinc_hosts/: the public host files of every member, collected from the hosts and kept in
// the repository (or, for a lab, next to its services file). Private keys never come here.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/index.js';
import { TincFileError, TincParseError } from './errors.js';
import { parseHostFile, type HostFile } from './config/index.js';
import { isTincName } from './config/index.js';

export interface RecordFile {
  name: string; // tinc name (the file name)
  file: string; // absolute path
  text: string;
  parsed: HostFile;
}

/** Every host file in `dir` (other files, like README.md, are not tinc names and are skipped). */
export async function readRecord(dir: string): Promise<Map<string, RecordFile>> {
  const out = new Map<string, RecordFile>();
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      return [];
    }
    throw e;
  });
  const names = entries.filter((e) => e.isFile() && isTincName(e.name)).map((e) => e.name);
  for (const name of names.sort()) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    out.set(name, { name, file, text, parsed: parseRecorded(file, name, text) });
  }
  return out;
}

function parseRecorded(file: string, name: string, text: string): HostFile {
  try {
    return parseHostFile(text);
  } catch (e) {
    if (!(e instanceof TincParseError)) {
      throw e;
    }
    throw new TincFileError(file, e.detail, {
      line: e.line,
      hint: `fix it, or delete it: salvo tinc init collects ${name}'s host file again from the host`,
    });
  }
}

export type RecordChange = { file: string; change: 'added' | 'updated' | 'removed' };

/** Write the files whose text changed and remove `remove`; returns what changed. */
export async function writeRecord(
  dir: string,
  current: ReadonlyMap<string, RecordFile>,
  wanted: ReadonlyMap<string, string>,
  remove: readonly string[],
): Promise<RecordChange[]> {
  const changes: RecordChange[] = [];
  await mkdir(dir, { recursive: true });
  for (const [name, text] of wanted) {
    const had = current.get(name);
    if (had?.text === text) {
      continue;
    }
    const file = join(dir, name);
    await writeFileAtomic(file, text);
    changes.push({ file, change: had ? 'updated' : 'added' });
  }
  for (const name of remove) {
    const file = join(dir, name);
    if (current.has(name)) {
      await rm(file, { force: true });
      changes.push({ file, change: 'removed' });
    }
  }
  return changes;
}
