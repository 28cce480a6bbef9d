// `.help` in the REPL: what is loaded, what each deployment can do, and lines to copy.
import type { SubsystemEntry } from '../deployment/subsystems.js';

export interface Loaded {
  name: string;
  file: string;
  hosts: string;
}

const METHODS: [string, string][] = [
  [
    "exec(nodes, 'cmd', { timeout: '30s' })",
    'run a shell command on hosts; result: per host, ok/failed/unreachable node sets',
  ],
  [
    "start|stop|restart('hub', { hosts, batch, parallel, wait, budget, dryRun })",
    'rollouts with health gates, journaled, under the operator lock',
  ],
  ["upgrade('hub', { version: '1.2.0' })", 'switch a service to another version, in batches'],
  ["status('hub')  diff()", 'unit states; the services file against the hosts'],
  ['waitUntilUp(nodes?, { service, timeout })', 'until hosts answer over SSH (and a service runs)'],
  ["resume('last')  runs()", 'continue an interrupted rollout; list them'],
  ["locked('why', async () => …)", 'hold the operator lock around several calls'],
  ["nodes('@web!cloud2')  hosts  groups  services", 'node sets and the services file'],
];

export function helpText(loaded: Loaded[], subs: SubsystemEntry[]): string {
  const first = loaded[0]?.name ?? 'storm';
  const lines = [
    'Deployments:',
    ...loaded.map((d) => `  ${d.name.padEnd(10)} ${d.hosts}  (${d.file})`),
    '',
    'Methods of each deployment:',
    ...METHODS.map(([m, what]) => `  .${m}\n      ${what}`),
    ...subs.map((s) => `  .${s.name}.*  ${s.summary}`),
    '',
    'After each line: `last` is its result; last.ok / last.failed / last.unreachable are node sets.',
    'A promise is awaited for you. Ctrl-C stops the running line (remote commands killed).',
    'Tab completes deployments, methods, and inside quotes host names, @groups and services.',
    '',
    'Examples:',
    `  ${first}.exec('@web', 'uptime')`,
    `  ${first}.exec(last.failed, 'systemctl status ssh', { timeout: '10s' })`,
    `  ${first}.restart('hub', { rolling: true })`,
    `  ${first}.start('cassandra', { parallel: true, wait: false })`,
    `  await ${first}.waitUntilUp()`,
    `  ${first}.exec('all', cmd('apt-get', 'install', '-y', 'jq'), { lock: 'install jq' })`,
    '',
    'REPL commands: .help .exit .editor .load FILE .save FILE (Ctrl-D leaves).',
    '',
  ];
  return lines.join('\n');
}
