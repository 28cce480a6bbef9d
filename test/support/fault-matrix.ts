// The fault matrix (issue 16): each fault, what Salvo promises when it happens, and the test that
// reproduces it on the lab. docs/reliability.md's table is generated from these rows and the
// results of a test run (`npm test` records them; `npm run matrix` writes the table).
// test/structure/fault-matrix.test.ts checks that every named test exists in its file.

export interface MatrixRow {
  fault: string;
  expected: string;
  file: string; // under test/
  test: string; // the test's name as written (a subtest's own name)
}

export const MATRIX: readonly MatrixRow[] = [
  {
    fault: 'Host unreachable during a rollout',
    expected: 'its unit fails as unreachable; the others go on; exit 3',
    file: 'test/rollout/apply.test.ts',
    test: 'an unreachable host fails its unit as unreachable',
  },
  {
    fault: 'Host that does not answer during a monitor scan',
    expected: 'reported unreachable; scan exits 3',
    file: 'test/monitor/lab.test.ts',
    test: 'a host that does not answer: unreachable, scan exits 3',
  },
  {
    fault: 'Every sshd of a host killed mid-command',
    expected: 'that host fails promptly; the others answer',
    file: 'test/integration/reliability/faults.test.ts',
    test: 'every sshd of a host killed mid-command: that host fails promptly',
  },
  {
    fault: 'Rate-limited link (`tc … tbf`)',
    expected: 'every byte delivered',
    file: 'test/integration/reliability/faults.test.ts',
    test: 'a rate-limited link still delivers every byte',
  },
  {
    fault: 'Link down for 3 s mid-command',
    expected: 'the right answer once the link is back',
    file: 'test/integration/reliability/faults.test.ts',
    test: 'a link down for 3 s mid-command: the right answer once it is back',
  },
  {
    fault: 'Host that accepts TCP but never speaks SSH',
    expected: 'fails at the connect timeout; `--timeout` bounds it; Ctrl-C ends it',
    file: 'test/transport/banner-less.test.ts',
    test: 'a banner-less host fails at the connect timeout, --timeout bounds it, Ctrl-C ends it',
  },
  {
    fault: 'Changed host key',
    expected: 'refused (as OpenSSH does); the other hosts still run',
    file: 'test/integration/exec/exec.test.ts',
    test: 'a changed host key is refused, the others still run',
  },
  {
    fault: 'Authentication refused',
    expected: 'every host unreachable with the reason; exit 3',
    file: 'test/integration/reliability/faults.test.ts',
    test: 'authentication refused: every host unreachable with the reason, exit 3',
  },
  {
    fault: 'Command timeout',
    expected: 'the remote process group is gone (checked on the host)',
    file: 'test/integration/exec/exec.test.ts',
    test: 'a timeout kills the remote process group (checked on the host)',
  },
  {
    fault: 'Output flood (1 GiB from one host)',
    expected: 'bounded memory; both ends kept; the cut reported',
    file: 'test/integration/reliability/faults.test.ts',
    test: 'a host printing 1 GiB: bounded memory, the ends kept, the cut reported',
  },
  {
    fault: 'Ctrl-C mid-rollout',
    expected: 'remote steps stop; journal interrupted; resume finishes the rest',
    file: 'test/integration/rollout/rollout.test.ts',
    test: 'Ctrl-C: remote steps stop, the journal says interrupted, resume finishes the rest',
  },
  {
    fault: 'SIGKILL mid-rollout',
    expected: 'resume redoes no finished step',
    file: 'test/integration/rollout/rollout.test.ts',
    test: 'SIGKILL mid-rollout, then resume: finished steps are not redone',
  },
  {
    fault: 'SIGKILL with a hub drained, journal torn, resume killed',
    expected: 'the run listed; status names the drained unit; the last resume brings it back',
    file: 'test/integration/reliability/journal.test.ts',
    test: 'torn journal, resume, SIGKILL, resume: the drained hub comes back',
  },
  {
    fault: 'Two operators at once (two admin processes)',
    expected:
      'one holds the lock; the other is refused naming the holder, or waits (`--wait-lock`)',
    file: 'test/integration/rollout/rollout.test.ts',
    test: 'the lock refuses a second run, names the holder, and --wait-lock waits for it',
  },
  {
    fault: "Lock holder's link cut",
    expected: 'the lock frees within 25 s; every refusal says what is true',
    file: 'test/integration/reliability/lock.test.ts',
    test: "the holder's link cut: the lock frees within 25 s; refusals say what is true",
  },
  {
    fault: 'Lock host going away mid-run',
    expected: 'no further batch; interrupted; prompt exit; resume finishes',
    file: 'test/integration/reliability/lock.test.ts',
    test: "the lock host's link cut mid-run: no further batch, interrupted, prompt exit; resume finishes",
  },
  {
    fault: 'Cassandra timeouts, overload, dropped connections, outage',
    expected: 'the client never hangs; the next operation succeeds',
    file: 'test/cassandra/client.test.ts',
    test: 'the client recovers after an outage, timeouts, overload and dropped connections, and never hangs',
  },
  {
    fault: 'Cassandra node killed mid-repair',
    expected: 'the repair stops with a clear state; resume finishes once it is back',
    file: 'test/integration/cassandra/cassandra.test.ts',
    test: 'a node killed mid-repair stops the run; resume finishes once it is back',
  },
  {
    fault: 'Two backups to one target at once',
    expected: 'each node to two others in one run, all published',
    file: 'test/integration/backup.test.ts',
    test: 'every node backs up its own data to two others in one run',
  },
  {
    fault: 'A second backup run on a locked series',
    expected: 'exit 75 naming the holder (or waits with `--wait-lock`)',
    file: 'test/integration/backup.test.ts',
    test: 'a second run on a locked series exits 75 naming the holder',
  },
  {
    fault: 'Backup holder killed -9 mid-transfer',
    expected: 'lock free at once; nothing partial published',
    file: 'test/integration/backup.test.ts',
    test: 'the holder killed -9 mid-transfer: lock free at once, nothing partial published',
  },
  {
    fault: 'Backup target disk full',
    expected: 'clear error; nothing published; earlier snapshots intact',
    file: 'test/integration/backup.test.ts',
    test: 'a target whose disk fills: clear error, nothing published, earlier snapshots intact',
  },
  {
    fault: 'Cassandra backup whose transfer fails, or whose node is down',
    expected: "that series fails, the node's others publish; no snapshot tag or stage left behind",
    file: 'test/integration/backup.test.ts',
    test: "the lab's own services file backs up out of the box, Cassandra included",
  },
  {
    fault: 'Maintenance on when cron starts a backup',
    expected: 'the scheduled run skips with exit 6, logged; a run by hand still goes',
    file: 'test/integration/backup.test.ts',
    test: 'cron install writes each node its cron file and script, once',
  },
  {
    fault: 'Cassandra down while the monitor keeps its history there',
    expected: 'records go to the local file; `monitor history` reads both',
    file: 'test/monitor/cassandra-lab.test.ts',
    test: 'history in Cassandra: a restarted monitor resumes from it; monitor history reads it and the fallback file',
  },
  {
    fault: 'Malformed services files (a corpus of 37)',
    expected: 'exit 2, a located error, no host contacted',
    file: 'test/cli/malformed-corpus.test.ts',
    test: 'malformed services files: exit 2, located errors, nothing touched',
  },
  {
    fault: 'Shell metacharacters in host, service, group, path and version values',
    expected: 'data, never shell (marker files prove it)',
    file: 'test/integration/reliability/metachar.test.ts',
    test: 'metacharacters in values are data, never shell',
  },
  {
    fault: 'Shell metacharacters in node sets',
    expected: 'refused or kept as names; nothing run',
    file: 'test/integration/reliability/metachar.test.ts',
    test: 'node sets carrying metacharacters are refused or stay names',
  },
  {
    fault: 'Secrets during auth-init, cql, repair and reports',
    expected: 'absent from argv, logs, journals, `--json` output and git',
    file: 'test/integration/reliability/secrets.test.ts',
    test: 'secrets: never in argv, logs, journals, --json output or git',
  },
];
