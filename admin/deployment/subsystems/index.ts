// Every subsystem's registration; one line each (see ../subsystems.ts). Loaded by deployment.ts,
// so any Deployment has them all. Keep these modules light: heavy code is imported when called.
import './tinc.js';
import './backup.js';
import './monitor.js';
import './cassandra.js';
import './vm.js';
