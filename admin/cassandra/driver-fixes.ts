// What the client does about cassandra-driver 4.x's internals (4.10.0 as installed): three ways
// its clean-up leaves timers behind that keep a process alive after every client was closed, and
// what closes them. Each was seen in a lab test's process still running 10 s after its tests.
import type cassandra from 'cassandra-driver';
import Connection from 'cassandra-driver/lib/connection.js';

// 1. A connection whose socket closes during its handshake (the node accepted it and went away
// before answering STARTUP, as a node going down does under a client reconnecting to it) is
// neither "connected" nor "socket open" by the time its socket's close handler calls close(), and
// close() returns at once in that state. It so skips what it does otherwise, clearing the
// connection's heartbeat timer and failing its requests in flight: the STARTUP waits out its read
// timeout, and the heartbeat (armed when STARTUP was written) fires, sends OPTIONS on the dead
// socket and re-arms itself, for seconds after the client was shut down, since no client or pool
// holds that connection any more. Here close() of such a connection also clears the heartbeat and
// fails what was pending (the driver's own clean-up, idempotent), so the handshake fails at once
// with "Socket was closed" and the connection leaves no timer behind. Applied once, on load.
const FIXED = Symbol.for('salvo.cassandra-driver.close-before-ready');
const proto = Connection.prototype as typeof Connection.prototype & { [FIXED]?: true };
if (!proto[FIXED]) {
  proto[FIXED] = true;
  const close = proto.close;
  proto.close = function (this: typeof proto, callback) {
    if (!this.connected && !this.isSocketOpen) {
      this.clearAndInvokePending();
    }
    return close.call(this, callback);
  };
}

/** The parts of the driver's (internal) Host and its pool that stopHost touches. */
export interface DriverHost {
  shutdown?: (waitForPending: boolean) => Promise<void>;
  pool?: { _opening?: boolean; once(event: 'open', listener: () => void): unknown };
}

/**
 * 2. Shut a host's pool down for good. In driver 4.x a pool drained (the graceful shutdown) while
 * a connection is opening resets itself to "initial" once that open ends, even if it was shut
 * down meanwhile, and then reconnects on its schedule forever with no client left to stop it (a
 * test process that never exited). So: shut down, and again after every open still in flight.
 */
export function stopHost(h: DriverHost): void {
  void h.shutdown?.(false)?.catch(() => undefined);
  if (h.pool?._opening) {
    h.pool.once('open', () => setImmediate(() => stopHost(h)));
  }
}

/** The driver's (internal) map of a client's hosts: it emits 'remove' for each Host it drops. */
export interface DriverHostMap {
  on(event: 'remove', listener: (h: DriverHost) => void): unknown;
}

/**
 * 3. Every Host the driver drops from a client's map is shut down for good (stopHost). The driver
 * drops one without shutting it down when its control connection initialises again (every node
 * was down, then one answered): the node it reconnected through gets a new Host, and the old one
 * keeps its health-check interval (every 200 ms) and its pool reconnecting on its schedule
 * forever, out of reach of Client.shutdown() and of forceShutdown (which see the map). A host
 * removed from the ring, which the driver is draining, drains on: the drain holds its
 * connections, and stopHost leaves them to it.
 */
export function stopDroppedHosts(c: cassandra.Client): void {
  const hosts = (c as unknown as { hosts?: DriverHostMap }).hosts;
  hosts?.on('remove', stopHost);
}

/**
 * The driver's shutdown() does nothing for a client whose connect() failed, yet such a client may
 * have opened pools that keep reconnecting forever (and keep the process alive): close them.
 */
export function forceShutdown(c: cassandra.Client): void {
  const inner = c as unknown as {
    controlConnection?: { shutdown?: () => void };
    hosts?: { values?: () => DriverHost[] };
  };
  try {
    inner.controlConnection?.shutdown?.();
  } catch {
    // already closed
  }
  try {
    for (const h of inner.hosts?.values?.() ?? []) {
      stopHost(h);
    }
  } catch {
    // no hosts yet
  }
  void c.shutdown().catch(() => undefined);
}
