// Every subcommand registers itself here; its action imports its implementation lazily so that
// `salvo nodeset` does not pay for loading ssh2.
import type { Command } from 'commander';
import { registerCheck } from './inventory/check.js';
import { registerNodeset } from './inventory/nodeset.js';
import { registerExec } from './exec/exec.js';
import { registerCopy, registerGather } from './exec/copy.js';
import { registerHosts } from './inventory/hosts.js';
import { registerLab } from './program/lab.js';
import { registerDemo } from './program/demo.js';
import { registerTinc } from './subsystems/tinc.js';
import { registerBackup } from './subsystems/backup.js';
import { registerCassandra } from './subsystems/cassandra.js';
import { registerSecrets } from './inventory/secrets.js';
import { registerComputeServers } from './inventory/compute-servers.js';
import { registerVm } from './subsystems/vm.js';
import { registerStatus } from './rollout/status.js';
import { registerDiff } from './rollout/diff.js';
import { registerOps } from './rollout/ops.js';
import { registerRuns } from './rollout/runs.js';
import { registerRepl } from './program/repl.js';
import { registerRun } from './exec/run.js';
import { registerSsh, registerTmux } from './exec/ssh.js';
import { registerLogs } from './exec/logs.js';
import { registerMonitor } from './subsystems/monitor.js';
import { registerCompletion } from './program/completion.js';
import { addExamples } from './program/examples.js';

export function registerCommands(program: Command): void {
  registerCheck(program);
  registerNodeset(program);
  registerExec(program);
  registerCopy(program);
  registerGather(program);
  registerHosts(program);
  registerLab(program);
  registerDemo(program);
  registerTinc(program);
  registerBackup(program);
  registerCassandra(program);
  registerSecrets(program);
  registerComputeServers(program);
  registerVm(program);
  registerStatus(program);
  registerDiff(program);
  registerOps(program);
  registerRuns(program);
  registerRepl(program);
  registerRun(program);
  registerSsh(program);
  registerTmux(program);
  registerLogs(program);
  registerMonitor(program);
  registerCompletion(program);
  addExamples(program);
}
