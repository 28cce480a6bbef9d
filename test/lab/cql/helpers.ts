// A ring of CQL simulators on loopback addresses 127.0.N.x (one process, one port each kind),
// and a cassandra-driver client for it. Ports are random so runs never collide.
import cassandra from 'cassandra-driver';
import { startSimulator, type Simulator } from '../../../admin/lab/cql/index.js';
import { freePorts } from '../../support/ports.js';

export interface LoopRing {
  addresses: string[];
  port: number;
  internodePort: number;
  jmxPort: number;
  sims: (Simulator | undefined)[];
  start(i: number): Promise<void>;
  stop(i: number): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function loopRing(n: number, dataDir?: string): Promise<LoopRing> {
  const net = 10 + Math.floor(Math.random() * 200);
  const addresses = Array.from({ length: n }, (_, i) => `127.0.${net}.${i + 1}`);
  const port = await freePorts(3, addresses[0]);
  const ring: LoopRing = {
    addresses,
    port,
    internodePort: port + 1,
    jmxPort: port + 2,
    sims: [],
    async start(i) {
      ring.sims[i] = await startSimulator({
        host: addresses[i]!,
        port,
        ring: addresses.join(','),
        internodePort: port + 1,
        jmxPort: port + 2,
        release: '4.1.5',
        joinMs: 50,
        ...(dataDir ? { dataFile: `${dataDir}/node${i}.json` } : {}),
      });
    },
    async stop(i) {
      await ring.sims[i]?.stop();
      ring.sims[i] = undefined;
    },
    async close() {
      for (let i = 0; i < n; i++) {
        await ring.stop(i);
      }
    },
  };
  for (let i = 0; i < n; i++) {
    await ring.start(i);
  }
  await waitFor(() =>
    ring.sims.every((s) => s && [...s.node.peers.values()].filter((p) => p.up).length === n - 1),
  );
  return ring;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await sleep(50);
  }
}

export function driver(
  ring: LoopRing,
  username = 'cassandra',
  password = 'cassandra',
  at = 0,
): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [ring.addresses[at]!],
    localDataCenter: 'datacenter1',
    protocolOptions: { port: ring.port, maxVersion: 4 },
    credentials: { username, password },
    isMetadataSyncEnabled: false,
    pooling: { heartBeatInterval: 0 },
    socketOptions: { readTimeout: 3000, connectTimeout: 2000 },
  });
}
