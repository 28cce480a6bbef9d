// Free loopback ports for tests that start real daemons on the root namespace's 127.0.0.1.
// Picked below the kernel's ephemeral range (32768+ by default), so no outgoing connection of a
// concurrently running test can already hold one, and checked bindable before use; two test
// files picking the same free port in the same instant is the only race left.
import { createServer } from 'node:net';

const LOW = 20000;
const HIGH = 32768;

const bindable = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });

/** The first of `count` consecutive ports that are all free on `host` right now. */
export async function freePorts(count = 1, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    let free = true;
    for (let i = 0; i < count && free; i++) {
      free = await bindable(base + i, host);
    }
    if (free) {
      return base;
    }
  }
  throw new Error(`no ${count} consecutive free ports on ${host} between ${LOW} and ${HIGH}`);
}
