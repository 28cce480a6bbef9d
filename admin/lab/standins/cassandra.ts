// LAB ONLY. Stand-in for the Cassandra daemon until the CQL simulator exists: listens on the
// native port and holds connections open (no protocol yet). TERM closes the listener and exits.
// With --state-file it records its ring state for the lab's nodetool stand-in (nodetool.ts):
// `joining` from start until --join-ms after it listens, then `normal` — so health gates that
// wait for UN really wait through a Joining phase, as a real node's bootstrap makes them.
// usage: node cassandra.js --id ID --port NATIVE --version V [--host ADDR] [--state-file PATH]
//        [--join-ms MS] [--ignore-term]
import { createServer, type Socket } from 'node:net';
import { die, listenOrDie, log, onTerm, parseFlags, portFrom } from './common.js';
import { writeRingState, type RingState } from './ring-state.js';

const flags = parseFlags(process.argv.slice(2), ['ignore-term']);
const id = flags.values.get('id') ?? 'cassandra';
const version = flags.values.get('version') ?? '0';
const host = flags.values.get('host') ?? '0.0.0.0';
const port = portFrom(flags.values.get('port'));
const stateFile = flags.values.get('state-file');
const joinMs = Number(flags.values.get('join-ms') ?? '1500');
if (!Number.isFinite(joinMs) || joinMs < 0) {
  die(`bad --join-ms ${JSON.stringify(flags.values.get('join-ms'))}`, 2);
}

function record(state: RingState['state']): void {
  if (stateFile) {
    writeRingState(stateFile, { pid: process.pid, id, state, since: new Date().toISOString() });
  }
}

const clients = new Set<Socket>();
const server = createServer((socket) => {
  clients.add(socket);
  socket.on('data', () => undefined); // no CQL yet: read and ignore
  socket.once('close', () => clients.delete(socket));
  socket.on('error', () => undefined);
});

onTerm(flags.switches.has('ignore-term'), async (signal) => {
  log(`${signal}: closing the native port and ${clients.size} client connection(s)`);
  server.close();
  for (const c of clients) {
    c.destroy();
  }
});

// Before listening: a nodetool that sees the port open must never read the last run's `normal`.
record('joining');
listenOrDie(server, port, host, () => {
  log(
    `cassandra stand-in ${id} version ${version} listening on ${host}:${port}; joining for ${joinMs} ms`,
  );
  setTimeout(() => {
    record('normal');
    log('joined the ring (normal)');
  }, joinMs).unref();
});
