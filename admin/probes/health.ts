// What a health probe reads from a unit: the probes' parsers produce it, service kinds and
// rollout gates consume it.

/** Health of a unit right now, from a probe (pid + port + HTTP, or nodetool status = UN). */
export interface Health {
  state: 'running' | 'stopped' | 'unhealthy';
  pid?: number;
  uptimeSec?: number;
  version?: string;
  detail?: string; // why unhealthy, or the probe's evidence
  logTail?: string; // last lines of the unit's log when it failed to start
  /** Members of its cluster this unit sees unhealthy (cassandra: peers not UN in its `nodetool
   * status`), e.g. `10.1.4.1 DN`. Empty or absent: none. A gate may require none (see ringGate). */
  peersNotUp?: string[];
}

/** `hub.1`: the file stem of a unit on its host (the host is implied). */
export const unitStem = (u: { service: string; instance: number }): string =>
  `${u.service}.${u.instance}`;

/** `hub.1` → { service: 'hub', instance: 1 }; undefined for a name that is not a unit stem. */
export function parseStem(stem: string): { service: string; instance: number } | undefined {
  const m = /^([a-z][a-z0-9_-]*)\.(\d+)$/.exec(stem);
  return m ? { service: m[1]!, instance: Number(m[2]) } : undefined;
}
