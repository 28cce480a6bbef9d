// Helper process for lock.test.ts: `node lock-holder-ssh.js hold SERVICES_FILE` takes
// the deployment's fleet lock over SSH (on the file's first host), prints `held`, then `lost
// REASON` if the lock is lost, and keeps running until killed. Run inside a lab host's namespace,
// it is a holder whose link a test can cut. Does nothing when the test runner loads it as a file.
import { Deployment } from '../../../admin/deployment/deployment.js';
import { FleetLock } from '../../../admin/rollout/lock/fleet-lock.js';

if (process.argv[2] === 'hold' && process.argv[3]) {
  const dep = await Deployment.open(process.argv[3]);
  const lockHost = [...dep.inventory.hosts.keys()][0]!;
  const lock = new FleetLock(dep.pool.get(lockHost), dep.inventory.deployment);
  const held = await lock.acquire({
    user: 'helper',
    host: 'holder-ns',
    pid: process.pid,
    startedAt: new Date().toISOString(),
    what: 'restart hub',
  });
  process.stdout.write('held\n');
  void held.lost.then((reason) => process.stdout.write(`lost ${reason}\n`));
  setInterval(() => undefined, 1000);
}
