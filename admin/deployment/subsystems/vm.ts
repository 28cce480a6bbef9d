// `dep.vm.*`: qemu guests (admin/vm/) as methods of a Deployment. start/stop/restart are
// rollouts of the `vm` service (batches, gates "the guest answers SSH", budget, journal);
// before any rollout that boots guests, their host keys are recorded (beforeRollout).
import type { CallOptions, Deployment, RunOptions } from '../deployment.js';
import type { OperationOptions } from '../request.js';
import type { OperationResult } from '../results.js';
import type {
  ImageList,
  ImagePushOptions,
  ImagePushResult,
  KillResult,
  PrepareResult,
  VmStatus,
} from '../../vm/index.js';
import type { ExecResult } from '../results.js';
import { registerSubsystem } from '../subsystems.js';
import type { Target } from '../node-set.js';

type VmOperationOptions = Omit<OperationOptions, 'hosts'> & RunOptions;

export class VmApi {
  constructor(private readonly dep: Deployment) {}

  /** The guests (names of the vm service), or those of `target`. */
  private names(target?: Target): string[] | undefined {
    return target === undefined ? undefined : this.dep.nodes(target);
  }

  /** Boot guests (default all) through the rollout engine; the gate waits until each answers SSH. */
  start(target?: Target, options: VmOperationOptions = {}): Promise<OperationResult> {
    return this.dep.start('vm', { ...options, ...(target !== undefined ? { hosts: target } : {}) });
  }
  /** Graceful stop: ACPI power button (QMP system_powerdown), QMP quit after stop_timeout. */
  stop(target?: Target, options: VmOperationOptions = {}): Promise<OperationResult> {
    return this.dep.stop('vm', { ...options, ...(target !== undefined ? { hosts: target } : {}) });
  }
  /** Stop, then start on a new overlay of the base image (persistent disks kept). */
  restart(target?: Target, options: VmOperationOptions = {}): Promise<OperationResult> {
    return this.dep.restart('vm', {
      ...options,
      ...(target !== undefined ? { hosts: target } : {}),
    });
  }
  /** State per guest: running, unresponsive, crashed, stopped (with pid, uptime, accel …). */
  async status(target?: Target, _options: CallOptions = {}): Promise<VmStatus[]> {
    const vm = await import('../../vm/index.js');
    return vm.guestStatus(this.dep, this.names(target));
  }
  /** The guests as the services file defines them, with their state. */
  list(_options: CallOptions = {}): Promise<VmStatus[]> {
    return this.status();
  }
  /** The last lines of a guest's serial console. */
  async console(name: string, options: { lines?: number } = {}): Promise<string> {
    const vm = await import('../../vm/index.js');
    return vm.guestConsole(this.dep, name, options.lines);
  }
  /** Make (once) and record the guests' host keys, before they boot. */
  async prepare(target?: Target): Promise<PrepareResult[]> {
    const vm = await import('../../vm/index.js');
    return vm.prepareGuests(this.dep, this.names(target));
  }
  /** Forced stop: qemu killed, no ACPI; tap and socket removed. */
  async kill(target?: Target): Promise<KillResult[]> {
    const vm = await import('../../vm/index.js');
    const names = this.names(target);
    return this.dep.locked(`vm kill ${names?.join(',') ?? 'all'}`, () =>
      vm.killGuests(this.dep, names),
    );
  }
  /**
   * Switch guests (default all) to base image `image`, rolling: each is stopped and started on a
   * new overlay of that image (persistent disks kept), one at a time unless `batch` says more;
   * the gate also checks that the guest booted that image. The image must be registered and on
   * the physical hosts (`pushImage`), checked on each host before its guest stops.
   */
  upgradeImage(
    image: string,
    target?: Target,
    options: VmOperationOptions = {},
  ): Promise<OperationResult> {
    return this.dep.upgrade('vm', {
      ...options,
      version: image,
      ...(target !== undefined ? { hosts: target } : {}),
    });
  }
  /**
   * Copy the image in directory `source` (image.json + its files) to physical hosts in parallel:
   * rsync, sha256 of every file checked on arrival, published atomically; then registered as
   * vm/images/NAME.json next to the services file.
   */
  async pushImage(
    source: string,
    options: Omit<ImagePushOptions, 'hosts'> & { name?: string; hosts?: Target } = {},
  ): Promise<ImagePushResult> {
    const vm = await import('../../vm/index.js');
    const { name, hosts, ...rest } = options;
    const targets = hosts !== undefined ? this.dep.nodes(hosts) : undefined;
    return this.dep.locked(`vm image push ${source}`, () =>
      vm.pushImage(this.dep, source, name, {
        ...rest,
        ...(targets ? { hosts: targets } : {}),
      }),
    );
  }
  /** Which physical hosts have which images (size, checksum), and which guests use them. */
  async images(hosts?: Target): Promise<ImageList> {
    const vm = await import('../../vm/index.js');
    return vm.listImages(this.dep, hosts !== undefined ? this.dep.nodes(hosts) : undefined);
  }
  /** Wait until the guests (default all) answer over SSH (the old storm.wait_until_up()). */
  waitUntilUp(target?: Target, options: { timeout?: number | string } = {}): Promise<ExecResult> {
    const vm = this.dep.services.includes('vm')
      ? (this.dep.inventory.services.get('vm')?.hosts ?? [])
      : [];
    return this.dep.waitUntilUp(target ?? vm, options);
  }
}

declare module '../subsystems.js' {
  interface Subsystems {
    /** qemu guests: start, stop, restart, status, list, console, prepare, kill, waitUntilUp. */
    readonly vm: VmApi;
  }
}

registerSubsystem(
  'vm',
  'qemu guests: start stop restart upgradeImage status list console kill pushImage images',
  (dep) => new VmApi(dep),
  {
    beforeRollout: async (dep, plan) => {
      const booting = plan.batches
        .filter((b) => b.service === 'vm' && b.op !== 'stop')
        .flatMap((b) => b.units.map((u) => u.host));
      if (booting.length === 0) {
        return;
      }
      const vm = await import('../../vm/index.js');
      const results = await vm.prepareGuests(dep, booting);
      const failed = results.filter((r) => r.error);
      if (failed.length > 0) {
        const { UsageError } = await import('../../errors.js');
        throw new UsageError(
          `cannot prepare guests (nothing started): ${failed.map((f) => `${f.name} on ${f.physical}: ${f.error}`).join('; ')}`,
        );
      }
    },
  },
);
