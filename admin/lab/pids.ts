// DIR/pids/<name>: processes that later lab features start (tincd, haproxy, qemu…), so that
// labDown can stop them. Line 1 is the pid; line 2 a text its /proc/PID/cmdline must contain
// before it is killed (a config path is best; pids wrap quickly on this machine).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { writeFileAtomic } from '../fs/index.js';
import { pidsDir } from './netns/state.js';

export interface PidRecord {
  name: string;
  pid: number;
  cmdline: string;
}

const NAME = /^[A-Za-z0-9_.@-]+$/;

/** Record `pid` under DIR/pids/NAME; `cmdline` is the text labDown checks before killing it. */
export async function recordPid(
  dir: string,
  name: string,
  pid: number,
  cmdline: string,
): Promise<void> {
  if (!NAME.test(name) || name.endsWith('.tmp')) {
    throw new LabError(
      `pid record name ${JSON.stringify(name)}: use letters, digits, '_', '.', '@', '-'`,
    );
  }
  if (!Number.isInteger(pid) || pid <= 1) {
    throw new LabError(`pid record ${name}: bad pid ${pid}`);
  }
  if (cmdline.trim() === '' || cmdline.includes('\n')) {
    throw new LabError(`pid record ${name}: give the text its command line must contain`);
  }
  await mkdir(pidsDir(dir), { recursive: true });
  const file = join(pidsDir(dir), name);
  await writeFileAtomic(file, `${pid}\n${cmdline}\n`);
}

/** Every well-formed record in DIR/pids/ (a record without its cmdline line is ignored: never killed blind). */
export async function readPidRecords(dir: string): Promise<PidRecord[]> {
  let names: string[];
  try {
    names = await readdir(pidsDir(dir));
  } catch {
    return [];
  }
  const records: PidRecord[] = [];
  for (const name of names.filter((n) => !n.endsWith('.tmp')).sort()) {
    const [pidLine, cmdline] = (
      await readFile(join(pidsDir(dir), name), 'utf8').catch(() => '')
    ).split('\n');
    const pid = Number(pidLine);
    if (Number.isInteger(pid) && pid > 1 && cmdline) {
      records.push({ name, pid, cmdline });
    }
  }
  return records;
}
