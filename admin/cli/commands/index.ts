// Every subcommand registers itself here; its action imports its implementation lazily so that
// `salvo nodeset` does not pay for loading ssh2.
import type { Command } from 'commander';
import { registerCheck } from './check.js';
import { registerNodeset } from './nodeset.js';
import { registerExec } from './exec.js';
import { registerCopy, registerGather } from './copy.js';
import { registerHosts } from './hosts.js';
import { registerLab } from './lab.js';
import { registerDemo } from './demo.js';
import { registerTinc } from './tinc.js';
import { registerBackup } from './backup.js';
import { registerCassandra } from './cassandra.js';
import { registerSecrets } from './secrets.js';
import { registerComputeServers } from './compute-servers.js';
import { registerVm } from './vm.js';
import { registerStatus } from './status.js';
import { registerDiff } from './diff.js';
import { registerOps } from './ops.js';
import { registerRuns } from './runs.js';
import { registerRepl } from './repl.js';
import { registerRun } from './run.js';
import { registerSsh, registerTmux } from './ssh.js';
import { registerLogs } from './logs.js';
import { registerMonitor } from './monitor.js';
import { registerCompletion } from './completion.js';
import { addExamples } from './examples.js';

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
