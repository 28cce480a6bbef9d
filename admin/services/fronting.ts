// Units behind haproxy (hub, or any service listed in haproxy's `backends`): before a unit stops,
// every haproxy that balances it drains it (no new requests) and waits for its sessions to end;
// once it is healthy again, it is set ready and awaited UP. Steps run on the haproxy hosts,
// through the runtime API on the admin socket (never over the network).
import type { Inventory } from '../inventory/types.js';
import { script, secs } from './daemon/daemon.js';
import { serverName } from './haproxy/config.js';
import { SET_SERVER_STATE, WAIT_IDLE } from './haproxy/scripts.js';
import { haproxyPaths } from './layout.js';
import { backendsOf } from './units.js';
import type { Step, Unit } from './types.js';

export interface FrontingTimeouts {
  drainSec: number; // how long sessions may take to end
  upSec: number; // how long haproxy's check may take to see the server UP
}

const DEFAULT_FRONTING: FrontingTimeouts = { drainSec: 30, upSec: 20 };

/** The haproxy hosts balancing this unit's service, and the backend it is in. */
function fronts(inv: Inventory, unit: Unit): { hosts: string[]; backend: string } | undefined {
  const haproxy = inv.services.get('haproxy');
  const [backend] = backendsOf(inv, unit.service);
  if (!haproxy || !backend || haproxy.hosts.length === 0) {
    return undefined;
  }
  return { hosts: haproxy.hosts, backend };
}

export function drainSteps(
  inv: Inventory,
  unit: Unit,
  t: FrontingTimeouts = DEFAULT_FRONTING,
): Step[] {
  const f = fronts(inv, unit);
  if (!f) {
    return [];
  }
  const { socket } = haproxyPaths(inv.deployment);
  const server = serverName(unit.host, unit.instance);
  const drain = f.hosts.map(
    (host): Step => ({
      name: `drain ${f.backend}/${server} in haproxy`,
      host,
      command: script(SET_SERVER_STATE, socket, f.backend, server, 'drain', 0),
      timeoutMs: 15_000,
    }),
  );
  const idle = f.hosts.map(
    (host): Step => ({
      name: `wait until ${f.backend}/${server} has no sessions`,
      host,
      command: script(WAIT_IDLE, socket, f.backend, server, secs(t.drainSec)),
      timeoutMs: t.drainSec * 1000 + 15_000,
    }),
  );
  return [...drain, ...idle];
}

export function readySteps(
  inv: Inventory,
  unit: Unit,
  t: FrontingTimeouts = DEFAULT_FRONTING,
): Step[] {
  const f = fronts(inv, unit);
  if (!f) {
    return [];
  }
  const { socket } = haproxyPaths(inv.deployment);
  const server = serverName(unit.host, unit.instance);
  return f.hosts.map(
    (host): Step => ({
      name: `set ${f.backend}/${server} ready in haproxy`,
      host,
      command: script(SET_SERVER_STATE, socket, f.backend, server, 'ready', secs(t.upSec)),
      timeoutMs: t.upSec * 1000 + 15_000,
    }),
  );
}
