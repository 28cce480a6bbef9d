// LAB ONLY. The lab's Cassandra daemon: the CQL simulator (../cql/) on this host's address, in a
// ring with the other db hosts (--ring, the same list the nodetool stand-in gets). A node is
// Joining for --join-ms after it starts, then Normal, so health gates that wait for UN really
// wait. TERM closes its ports, writes its data and exits.
// usage: node cassandra.js --id ID --port NATIVE --version V --host ADDR --ring ADDR[=DC:RACK],…
//        [--data-file PATH] [--join-ms MS] [--leave-ms MS] [--internode-port P] [--jmx-port P] [--no-auth]
//        [--ignore-term]
import { startSimulator } from '../cql/index.js';
import { die, log, onTerm, parseFlags, portFrom } from './common.js';

const flags = parseFlags(process.argv.slice(2), ['ignore-term', 'no-auth']);
const get = (k: string): string | undefined => flags.values.get(k);
const joinMs = Number(get('join-ms') ?? '1500');
if (!Number.isFinite(joinMs) || joinMs < 0) {
  die(`bad --join-ms ${JSON.stringify(get('join-ms'))}`, 2);
}
const leaveMs = Number(get('leave-ms') ?? '1000');
if (!Number.isFinite(leaveMs) || leaveMs < 0) {
  die(`bad --leave-ms ${JSON.stringify(get('leave-ms'))}`, 2);
}
const host = get('host') ?? '127.0.0.1';
const port = portFrom(get('port'));
try {
  const sim = await startSimulator({
    host,
    port,
    ring: get('ring') ?? host,
    internodePort: Number(get('internode-port') ?? 7000),
    jmxPort: Number(get('jmx-port') ?? 7199),
    release: get('version') ?? '4.1.5',
    joinMs,
    leaveMs,
    auth: !flags.switches.has('no-auth'),
    ...(get('data-file') ? { dataFile: get('data-file')! } : {}),
    log,
  });
  onTerm(flags.switches.has('ignore-term'), async (signal) => {
    log(`${signal}: closing the native port and leaving the ring`);
    await sim.stop();
  });
} catch (e) {
  die(`cannot start: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}
