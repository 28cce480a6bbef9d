// The same guest lifecycle as vm.test.ts with `driver: libvirt`: each guest a transient libvirt
// domain, libvirtd started by the lab on the guests' host (test/integration/vm/lifecycle.ts).
import { existsSync } from 'node:fs';
import { lifecycleTest } from './lifecycle.js';

lifecycleTest(
  'libvirt',
  !existsSync('/usr/sbin/libvirtd') && 'libvirt is not installed (.ci/setup installs it)',
);
