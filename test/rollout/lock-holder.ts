// Helper process for lock.test.ts: `node lock-holder.js hold DEPLOYMENT` takes the lock, prints
// `held` and keeps it until killed. Does nothing when the test runner loads it as a file.
import { FleetLock } from '../../admin/rollout/lock/fleet-lock.js';
import { LocalTransport } from '../../admin/transport/local-transport.js';

if (process.argv[2] === 'hold' && process.argv[3]) {
  const lock = new FleetLock(new LocalTransport(), process.argv[3]);
  await lock.acquire({
    user: 'helper',
    host: 'helper-host',
    pid: process.pid,
    startedAt: new Date().toISOString(),
    what: 'restart hub',
  });
  process.stdout.write('held\n');
  setInterval(() => undefined, 1000);
}
