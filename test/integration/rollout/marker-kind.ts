// A service kind for rollout tests on the lab whose steps are real shell commands that leave
// evidence on the hosts: each step appends `UNIT OP STEP` to /srv/salvo-test/marks, so a test can
// count how often every step ran. A file /srv/salvo-test/fail on a host makes its steps fail.
import { cmd } from '../../../admin/transport/command.js';
import { unitId, type Health, type ServiceKind } from '../../../admin/services/types.js';
import type { KindLookup } from '../../../admin/rollout/types.js';

export const MARK_DIR = '/srv/salvo-test';
export const STEPS = 3;

// $1 unit, $2 step, $3 op, $4 seconds of "work", $5 the state to record after the last step.
const MARK = `d=${MARK_DIR}; mkdir -p "$d"; sleep "$4"
if [ -e "$d/fail" ]; then echo "boom: $1 cannot $3 (disk full)" >> "$d/log"; echo "$1: disk full" >&2; exit 1; fi
echo "$1 $3 $2" >> "$d/marks"
if [ -n "$5" ]; then echo "$5" > "$d/state.$1"; fi`;

const PROBE = `d=${MARK_DIR}; cat "$d/state.$1" 2>/dev/null || echo stopped; [ -e "$d/log" ] && tail -n 3 "$d/log"; exit 0`;

export function parseMarkerHealth(stdout: string): Health {
  const [state = 'stopped', ...log] = stdout.trimEnd().split('\n');
  const known = state === 'running' || state === 'stopped' ? state : 'unhealthy';
  return { state: known, ...(log.length ? { logTail: log.join('\n') } : {}) };
}

/** `stepSec`: how long each step works, so a test can kill the run mid-way. */
export function markerKind(kind: string, stepSec: number): ServiceKind {
  return {
    kind,
    units(inv, hosts) {
      return (inv.services.get(kind)?.hosts ?? [])
        .filter((h) => !hosts || hosts.includes(h))
        .map((host) => ({ service: kind, host, instance: 0, placement: {} }));
    },
    plan(op, unit) {
      const final = op === 'stop' ? 'stopped' : 'running';
      return Array.from({ length: STEPS }, (_, i) => ({
        name: `mark ${i}`,
        host: unit.host,
        timeoutMs: 30_000,
        command: cmd(
          'sh',
          '-c',
          MARK,
          'salvo',
          unitId(unit),
          i,
          op,
          stepSec,
          i === STEPS - 1 ? final : '',
        ),
      }));
    },
    healthProbe(unit) {
      return { host: unit.host, command: cmd('sh', '-c', PROBE, 'salvo', unitId(unit)) };
    },
    parseHealth: (stdout) => parseMarkerHealth(stdout),
    gate: { passes: 2, intervalMs: 100, timeoutMs: 3000 },
  };
}

export function markerKinds(stepSec: number): KindLookup {
  const k = markerKind('nginx', stepSec);
  return (name) => (name === 'nginx' ? k : undefined);
}
