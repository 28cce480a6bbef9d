// The units recorded under a deployment's pids dir on one host (services/daemon/scripts.ts SCAN):
// `unit hub.1 pid=1234 alive=1 version=1.0.0` per pid file.
import { parseStem } from './health.js';

export interface ScannedUnit {
  service: string;
  instance: number;
  pid?: number;
  alive: boolean; // the pid runs the recorded argv
  version?: string;
}

export function parseScan(text: string): ScannedUnit[] {
  const out: ScannedUnit[] = [];
  for (const line of text.split('\n')) {
    const m = /^unit (\S+) pid=(\d*) alive=([01]) version=(.*)$/.exec(line.trim());
    const stem = m ? parseStem(m[1]!) : undefined;
    if (!m || !stem) {
      continue;
    }
    const version = m[4]!.trim();
    out.push({
      ...stem,
      ...(m[2] ? { pid: Number(m[2]) } : {}),
      alive: m[3] === '1',
      ...(version && version !== '-' ? { version } : {}),
    });
  }
  return out;
}
