// One command per host for the monitor's host checks: load and cores, disk and inode use per
// mount, memory, the host's clock, and the age of each snap unit's newest snapshot. The script
// prints raw evidence in sections (probes/sections.ts); parseHostProbe reads it. Pure.
import { parseSections } from '../probes/sections.js';
import { cmd, type Command } from '../transport/command.js';

/** args: then pairs of (label, snapshot dir). */
export const HOST_PROBE = `echo "--- load"; cat /proc/loadavg
echo "--- cores"; nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo
echo "--- df"; timeout 10 df -PT -k 2>/dev/null
echo "--- dfi"; timeout 10 df -PT -i 2>/dev/null
echo "--- mem"; grep -E '^(MemTotal|MemAvailable):' /proc/meminfo
echo "--- clock"; date +%s.%N
while [ "$#" -ge 2 ]; do
  echo "--- snapshots $1"
  if [ -d "$2" ]; then find "$2" -mindepth 1 -maxdepth 1 -type f -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1; else echo missing; fi
  shift 2
done
exit 0`;

export function hostProbeCommand(snapshots: { label: string; dir: string }[]): Command {
  return cmd('sh', '-c', HOST_PROBE, 'salvo', ...snapshots.flatMap((s) => [s.label, s.dir]));
}

export interface MountUse {
  mount: string;
  type: string;
  percent: number; // used / (used + available), as df's Capacity, rounded up
  size: number; // blocks or inodes
}

export interface HostFacts {
  load1?: number;
  cores?: number;
  disks: MountUse[];
  inodes: MountUse[];
  memoryPercent?: number;
  clock?: number; // the host's time, seconds since the epoch
  /** label → newest snapshot time (seconds), null: none yet, 'missing': no such directory. */
  snapshots: Map<string, number | null | 'missing'>;
}

/** File systems that hold no data an operator fills (kernel views, read-only images). */
const PSEUDO = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'squashfs',
  'nsfs',
  'tracefs',
  'debugfs',
  'securityfs',
  'pstore',
  'bpf',
  'autofs',
  'mqueue',
  'hugetlbfs',
  'fusectl',
  'configfs',
  'binfmt_misc',
  'efivarfs',
  'ramfs',
]);

/** `df -PT` lines → mounts that hold data: real file systems, and tmpfs outside /dev, /run, /sys. */
export function parseDf(lines: string[]): MountUse[] {
  const out: MountUse[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 7 || f[0] === 'Filesystem') {
      continue;
    }
    const [, type, size, used, avail] = f as [string, string, string, string, string];
    const mount = f.slice(6).join(' ');
    const total = Number(used) + Number(avail);
    if (
      PSEUDO.has(type) ||
      !(Number(size) > 0) ||
      !(total > 0) ||
      /^\/(proc|sys|dev|run)(\/|$)/.test(mount)
    ) {
      continue;
    }
    out.push({ mount, type, size: Number(size), percent: Math.ceil((Number(used) * 100) / total) });
  }
  return out;
}

const num = (text: string | undefined): number | undefined => {
  const n = Number(text);
  return text === undefined || text.trim() === '' || !Number.isFinite(n) ? undefined : n;
};

export function parseHostProbe(stdout: string): HostFacts {
  const s = parseSections(stdout);
  const body = (name: string): string[] => s.get(name)?.lines ?? [];
  const mem = new Map(
    body('mem').flatMap((l) => {
      const m = /^(\w+):\s+(\d+)/.exec(l);
      return m ? [[m[1]!, Number(m[2])] as const] : [];
    }),
  );
  const total = mem.get('MemTotal');
  const available = mem.get('MemAvailable');
  const snapshots = new Map<string, number | null | 'missing'>();
  // parseSections keeps one section per name: the snapshot sections (last in the output) are
  // read here, one per unit.
  for (const block of stdout.split(/^--- snapshots /m).slice(1)) {
    const [label, ...rest] = block.split('\n');
    const first = rest.find((l) => l.trim() !== '')?.trim();
    let newest: number | null | 'missing' = null;
    if (first === 'missing') {
      newest = 'missing';
    } else if (first !== undefined) {
      newest = num(first) ?? null;
    }
    snapshots.set(label!.trim(), newest);
  }
  const load1 = num(body('load')[0]?.split(/\s+/)[0]);
  const cores = num(body('cores')[0]);
  const clock = num(body('clock')[0]);
  return {
    ...(load1 !== undefined ? { load1 } : {}),
    ...(cores !== undefined && cores > 0 ? { cores } : {}),
    disks: parseDf(body('df')),
    inodes: parseDf(body('dfi')),
    ...(total && available !== undefined
      ? { memoryPercent: Math.round(((total - available) * 1000) / total) / 10 }
      : {}),
    ...(clock !== undefined ? { clock } : {}),
    snapshots,
  };
}
