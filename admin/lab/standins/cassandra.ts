// Lab stand-in for the Cassandra daemon until the CQL simulator exists: listens on the native
// port and holds connections open (no protocol yet). TERM closes the listener and exits.
// usage: node cassandra.js --id ID --port NATIVE --version V [--host ADDR] [--ignore-term]
import { createServer, type Socket } from 'node:net';
import { listenOrDie, log, onTerm, parseFlags, portFrom } from './common.js';

const flags = parseFlags(process.argv.slice(2), ['ignore-term']);
const id = flags.values.get('id') ?? 'cassandra';
const version = flags.values.get('version') ?? '0';
const host = flags.values.get('host') ?? '0.0.0.0';
const port = portFrom(flags.values.get('port'));

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
  for (const c of clients) c.destroy();
});

listenOrDie(server, port, host, () => log(`cassandra stand-in ${id} version ${version} listening on ${host}:${port}`));
