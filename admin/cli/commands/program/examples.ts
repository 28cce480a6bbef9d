// The examples that end each command's --help, for the commands whose own file does not add
// them (those that do keep theirs beside their flags). Keyed by the command's path.
import type { Command } from 'commander';

const EXAMPLES: Record<string, string[]> = {
  check: ['salvo check', 'salvo -s conf/storm.yaml check'],
  nodeset: [
    "salvo nodeset -e 'cloud[1-7,10-21]!cloud8'",
    "salvo nodeset -c 'cloud[1-21]'",
    'salvo nodeset -f cloud1 cloud2 cloud3',
  ],
  exec: [
    'salvo exec @web -- uptime',
    "salvo exec 'cloud[1-21]!cloud8' -T 30s -- 'df -h / | tail -1'",
    'salvo exec @db --json -- nodetool status',
    "salvo exec -L cloud3 -- 'tail -f /var/log/syslog'",
    "salvo exec 'cloud[1-2]' -- 'cat > /tmp/motd' < motd.txt",
    "salvo exec -l admin --sudo 'cloud[1-4]' -- systemctl restart nginx",
    "salvo exec --sudo=www-data @web -- 'ls ~'",
    'salvo exec -t cloud1 -- top -bn1   (-t: a terminal, as ssh -t)',
    "salvo exec 'cloud[1-4]' --script ./setup.sh -- --fast 'two words'",
  ],
  copy: [
    "salvo copy 'cloud[1-4]' ./motd /etc/motd",
    'salvo copy @web dist/ conf/app.yaml /srv/app/',
    "salvo copy --dry-run 'cloud[1-21]' ./bin /usr/local/",
  ],
  gather: [
    "salvo gather 'cloud[1-4]' /var/log/syslog ./logs   (→ ./logs/cloud1/syslog …)",
    'salvo gather @db /etc/cassandra ./conf',
  ],
  hosts: ["salvo hosts trust 'cloud[1-4]'"],
  'hosts trust': [
    "salvo hosts trust 'cloud[1-4]'",
    'salvo hosts trust cloud3 --replace   after checking the new key out of band',
  ],
  lab: ['salvo lab up 5', 'salvo lab status', 'salvo lab down'],
  'lab up': [
    'salvo lab up 5',
    'salvo lab up 20 --dir /tmp/lab20',
    'salvo lab up 2 --vms 2   two qemu guests on cloud1 (salvo vm start)',
    'salvo lab up 3 --loopback   no root needed',
  ],
  'lab status': ['salvo lab status', 'salvo lab status --dir /tmp/lab20'],
  'lab down': ['salvo lab down', 'salvo lab down --dir /tmp/lab20'],
  demo: ['salvo demo', 'salvo demo --vms   also qemu guests: boot, exec inside, rolling restart'],
  cassandra: [
    'salvo cassandra status',
    'salvo cassandra repair -k smc',
    "salvo cassandra cql -e 'LIST USERS'",
  ],
  'cassandra status': ['salvo cassandra status', 'salvo cassandra status --json'],
  'cassandra cql': [
    "salvo cassandra cql -e 'SELECT * FROM system.local'",
    "salvo cassandra cql -u hub -e 'SELECT count(*) FROM smc.projects'",
    'salvo cassandra cql -f schema.cql',
  ],
  'cassandra repair': [
    'salvo cassandra repair',
    'salvo cassandra repair -k smc --full --node-timeout 2h',
    'salvo cassandra repair --resume 20250612-101530-repair-3f2a',
    'salvo cassandra repair --scheduled   from cron: exits 6 while maintenance is on',
  ],
  'cassandra add-node': [
    'salvo cassandra add-node cloud6   after adding cloud6 to the cassandra hosts',
    "salvo cassandra add-node 'cloud[6-19]' --node-timeout 12h",
  ],
  'cassandra remove-node': ['salvo cassandra remove-node cloud6'],
  'cassandra replication': [
    'salvo cassandra replication smc --rf 3',
    'salvo cassandra replication smc --dc dc1:3 --dc dc2:2',
  ],
  'cassandra auth-init': ['salvo cassandra auth-init', 'salvo cassandra auth-init --superuser dba'],
  'compute-servers': [
    'salvo compute-servers sync --dry-run',
    'salvo compute-servers set cloud3 no-new',
  ],
  'compute-servers list': ['salvo compute-servers list', 'salvo compute-servers list --json'],
  'compute-servers sync': ['salvo compute-servers sync --dry-run', 'salvo compute-servers sync'],
  'compute-servers set': [
    'salvo compute-servers set cloud3 no-new',
    'salvo compute-servers set cloud21 off',
  ],
  vm: ['salvo vm list', 'salvo vm start vm[1-2]', 'salvo vm status', 'salvo vm console vm1'],
  'vm list': ['salvo vm list', 'salvo vm list --json'],
  'vm status': ['salvo vm status', 'salvo vm status storm-db[1-3]'],
  'vm console': ['salvo vm console storm-db1', 'salvo vm console storm-db1 -n 200'],
  'vm kill': ['salvo vm kill storm-db3   qemu killed at once, no ACPI shutdown'],
  'vm start': [
    'salvo vm start',
    'salvo vm start all --per-host 2   every guest; at most 2 booting per physical host',
    'salvo vm start storm-db[1-7] --parallel',
    'salvo vm start vm1 --no-wait',
  ],
  'vm stop': ['salvo vm stop vm1', 'salvo vm stop --dry-run'],
  'vm restart': [
    'salvo vm restart @db   one guest at a time, racks kept apart',
    'salvo vm restart vm[1-2] --no-wait',
  ],
  'vm upgrade': [
    'salvo vm upgrade --image storm-2024-06-01   one guest at a time onto the new base image',
    'salvo vm upgrade --image storm-2024-06-01 storm-db[1-3] --dry-run',
  ],
  'vm image': ['salvo vm image push ./storm-2024-06-01', 'salvo vm image list'],
  'vm image push': [
    'salvo vm image push ./storm-2024-06-01   every physical host that carries a guest',
    'salvo vm image push /srv/images/base --name storm-base -H cloud[1-3] --bwlimit 50m',
  ],
  'vm image list': ['salvo vm image list', 'salvo vm image list -H cloud3 --json'],
  'wait-until-up': ['salvo wait-until-up', 'salvo wait-until-up storm-db[1-7] --timeout 5m'],
  tinc: ['salvo tinc init', 'salvo tinc verify --matrix', 'salvo tinc add cloud22'],
  'tinc init': ['salvo tinc init --dry-run', 'salvo tinc init -H cloud[5-7] --key-bits 4096'],
  'tinc verify': ['salvo tinc verify', 'salvo tinc verify --wait 30s --matrix'],
  'tinc add': ['salvo tinc add cloud22   after giving cloud22 a vpn address in the services file'],
  'tinc remove': [
    'salvo tinc remove cloud8   after taking its vpn address out of the services file',
  ],
  'tinc status': ['salvo tinc status', 'salvo tinc status --json'],
  'tinc start': ['salvo tinc start', 'salvo tinc start -H cloud3'],
  'tinc stop': ['salvo tinc stop -H cloud3'],
  diff: ['salvo diff', 'salvo diff -H @web --json'],
  start: [
    'salvo start all',
    'salvo start cassandra --parallel --no-wait',
    'salvo start hub -H cloud3 --dry-run',
  ],
  stop: ['salvo stop hub -H cloud3', 'salvo stop all --dry-run'],
  restart: [
    'salvo restart hub --rolling',
    'salvo restart snap --batch 25% --budget 1',
    'salvo restart cassandra -v',
  ],
  upgrade: [
    'salvo upgrade hub --version 1.2.0 --rolling',
    'salvo upgrade cassandra --version 4.1.5 --dry-run --full',
    'salvo upgrade vm --image storm-2024-06-01 -H storm-db[1-3]   guests onto a new base image',
  ],
  runs: ['salvo runs', 'salvo runs --json'],
  resume: ['salvo resume last', 'salvo resume 20250612-1015'],
  completion: [
    'salvo completion bash > /etc/bash_completion.d/salvo',
    'salvo completion zsh > "${fpath[1]}/_salvo"',
  ],
};

/** Add "Examples:" at the end of the help of every command (and subcommand) listed above. */
export function addExamples(program: Command, path: string[] = []): void {
  for (const c of program.commands) {
    const key = [...path, c.name()].join(' ');
    const lines = EXAMPLES[key];
    if (lines) {
      c.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`);
    }
    addExamples(c, [...path, c.name()]);
  }
}
