// `salvo tinc init|verify|add|remove|status|start|stop` — the tinc VPN mesh of the services file.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { parseDuration } from '../../parse-duration.js';
import { runTinc, type TincFlags } from './tinc-actions.js';

const KEY_BITS_HELP = 'RSA key size for new key pairs (default 4096; the lab uses 2048 for speed)';

export function registerTinc(program: Command): void {
  const tinc = program
    .command('tinc')
    .description(
      'the tinc VPN mesh: keys generated on the hosts, configs pushed, all pairs verified',
    );
  const sub = (name: string, description: string): Command =>
    tinc
      .command(name)
      .description(description)
      .option(
        '--conf-dir <dir>',
        'where public host files are recorded (default: conf/tinc_hosts next to the services file)',
      )
      .option('--json', 'print the result as one JSON object');
  const changing = (c: Command): Command =>
    c
      .option('--dry-run', 'print the plan, change nothing')
      .option('--no-verify', 'skip the ping matrix afterwards')
      .option('--wait <duration>', 'how long the matrix may take to become whole (default 20s)');

  changing(
    sub(
      'init',
      'generate missing key pairs on the hosts, collect public host files, push configs, start tincd, verify',
    )
      .option(
        '-H, --hosts <nodeset>',
        'members to configure (default: every host with a vpn address)',
      )
      .option('--key-bits <n>', KEY_BITS_HELP),
  ).action(action('init'));
  sub('verify', "ping every member's VPN address from every other member; exit 1 on any failure")
    .option(
      '--wait <duration>',
      'retry until the mesh is whole or this much time passed (default: one round)',
    )
    .option('--matrix', 'print the full matrix')
    .action(action('verify'));
  changing(
    sub(
      'add',
      'bring a host that has a vpn address in the services file into the mesh, reload the others, verify',
    )
      .argument('<host>', 'the new member')
      .option('--key-bits <n>', KEY_BITS_HELP),
  ).action(action('add'));
  changing(
    sub(
      'remove',
      'revoke a host whose vpn address was taken out of the services file: its key leaves every node',
    ).argument('<host>', 'the former member'),
  ).action(action('remove'));
  sub(
    'status',
    'which members run tincd; files that differ from the record (conf dir) or the services file',
  ).action(action('status'));
  sub('start', 'start tincd where it is not running (running daemons are left alone), then verify')
    .option('-H, --hosts <nodeset>', 'members to start (default: all)')
    .option('--no-verify', 'skip the ping matrix afterwards')
    .option('--wait <duration>', 'how long the matrix may take to become whole (default 20s)')
    .action(action('start'));
  sub('stop', 'stop tincd through its pid file and wait until it is gone')
    .option('-H, --hosts <nodeset>', 'members to stop (default: all)')
    .action(action('stop'));
}

interface RawFlags {
  confDir?: string;
  json?: boolean;
  dryRun?: boolean;
  verify?: boolean;
  wait?: string;
  hosts?: string;
  keyBits?: string;
  matrix?: boolean;
}

type Verb = TincFlags['verb'];

/** commander passes (args…, flags, command); the host argument comes first when there is one. */
function action(verb: Verb) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const raw = args[args.length - 2] as RawFlags;
    const host = typeof args[0] === 'string' ? args[0] : undefined;
    const flags: TincFlags = {
      verb,
      json: raw.json ?? false,
      dryRun: raw.dryRun ?? false,
      verify: raw.verify !== false,
      grid: raw.matrix ?? false,
      ...(host !== undefined ? { host } : {}),
      ...(raw.confDir !== undefined ? { confDir: raw.confDir } : {}),
      ...(raw.hosts !== undefined ? { hosts: raw.hosts } : {}),
      ...(raw.wait !== undefined ? { waitMs: parseDuration(raw.wait, '--wait') } : {}),
      ...(raw.keyBits !== undefined ? { keyBits: keyBits(raw.keyBits) } : {}),
    };
    process.exitCode = await runTinc(cmd, flags);
  };
}

function keyBits(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2048 || n > 16384) {
    throw new UsageError(`--key-bits: expected 2048-16384, got "${text}"`);
  }
  return n;
}
