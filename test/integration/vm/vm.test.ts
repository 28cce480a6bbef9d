// The guest lifecycle with the qemu driver (test/integration/vm/lifecycle.ts).
import { lifecycleTest } from './lifecycle.js';

lifecycleTest('qemu');
