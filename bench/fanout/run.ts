// Fan-out benchmark: salvo against an OpenSSH shell loop, pdsh, pssh and clush, running `true` on
// 20, 50 and 200 hosts of one lab fleet, cold (a new process per run) and warm (the library's
// pool, in process). Not a test: it measures and reports. `npm run bench -- --help`.
import { spawnSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  COLD_TOOLS as ALL_COLD_TOOLS,
  hostNames,
  type ColdContext,
  type ColdTool,
} from './cold-tools.js';
import {
  describeNegotiated,
  isCurve25519,
  observeHandshakes,
  openSshNegotiated,
  parseVerboseHandshakes,
  type Negotiated,
} from './kex.js';
import { buildLab, destroyLab, labDir, useExistingLab, type BenchLab } from './lab.js';
import {
  killRunning,
  load1,
  ms3,
  serverCpuS,
  sleep,
  timedSpawn,
  type Run,
  type SpawnSpec,
} from './measure.js';
import { OptionError, parseOptions, USAGE, type Options } from './options.js';
import {
  FLOOR_TRUE,
  FLOOR_UPTIME,
  SALVO_WARM,
  SALVO_WARM_UPTIME,
  bestPeer,
  cpuMedians,
  renderStartup,
  renderTable,
  renderTargets,
  row,
  targets,
  type Row,
} from './report.js';
import { localShellFloor } from './floor.js';
import { warmFanout } from './warm.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench/fanout
const ROOT = resolve(HERE, '../../..');
const SALVO = join(ROOT, 'bin/salvo');

class Interrupted extends Error {}

const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

function version(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '?';
}

/** The cold tools this machine has: an optional one (Ansible) is left out, with a note, when absent. */
const COLD_TOOLS = ALL_COLD_TOOLS.filter((t) => {
  if (t.optional && missingCommands([t.optional]).length) {
    process.stderr.write(
      `bench: ${t.name} is not installed (sh .ci/setup installs it); measured without it\n`,
    );
    return false;
  }
  return true;
});

function missingCommands(names: string[]): string[] {
  return names.filter((n) => spawnSync('sh', ['-c', `command -v ${n}`]).status !== 0);
}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    if (e instanceof OptionError) {
      say(`bench: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (process.getuid?.() !== 0) {
    say('bench: the lab fleet needs root (network namespaces)');
    return 2;
  }
  const missing = missingCommands(['ssh', 'pdsh', 'parallel-ssh', 'clush', 'bash']);
  if (missing.length) {
    say(`bench: missing commands: ${missing.join(', ')}`);
    return 2;
  }
  if (!existsSync(join(ROOT, 'dist/admin/cli/main.js'))) {
    say('bench: run `npm run build` first');
    return 2;
  }
  if (opts.runs < 5) {
    say(`bench: --runs ${opts.runs} is fewer than 5: a trial, not a result`);
  }

  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every in-flight host of the warm path listens to it
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      say(`\nbench: ${sig}: stopping the running command, then tearing the lab down`);
      controller.abort();
      killRunning();
    } else {
      say('bench: still tearing the lab down, please wait');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const work = await mkdtemp(join(tmpdir(), 'salvo-bench-work-'));
  let ownedDir: string | undefined;
  try {
    const maxN = opts.sizes[opts.sizes.length - 1]!;
    let lab: BenchLab;
    if (opts.lab) {
      lab = await useExistingLab(opts.lab);
      if (lab.hosts < maxN) {
        throw new Error(`--lab ${opts.lab} has ${lab.hosts} hosts, --sizes needs ${maxN}`);
      }
      say(`bench: using the running lab in ${lab.dir} (${lab.hosts} hosts; left running)`);
    } else {
      ownedDir = await labDir();
      say(`bench: building a lab fleet of ${maxN} hosts in ${ownedDir}`);
      lab = await buildLab(ownedDir, maxN, say);
      say(`bench: lab up in ${lab.upS?.toFixed(1)} s`);
    }
    if (controller.signal.aborted) {
      throw new Interrupted();
    }
    return await benchmark(opts, lab, work, controller.signal);
  } catch (e) {
    if (e instanceof Interrupted || controller.signal.aborted) {
      say('bench: interrupted');
      return 130;
    }
    throw e;
  } finally {
    killRunning();
    if (ownedDir) {
      say(`bench: tearing the lab down (${ownedDir})`);
      await destroyLab(ownedDir);
      say('bench: lab removed');
    }
    await rm(work, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function benchmark(
  opts: Options,
  lab: BenchLab,
  work: string,
  signal: AbortSignal,
): Promise<number> {
  const check = (): void => {
    if (signal.aborted) {
      throw new Interrupted();
    }
  };
  const load1Start = loadavg();
  const hostsFile = (n: number): string => join(work, `hosts-${n}.txt`);
  for (const n of new Set([...opts.sizes, 3])) {
    if (n <= lab.hosts) {
      await writeFile(hostsFile(n), `${hostNames(n).join('\n')}\n`);
    }
  }
  const cwd = join(work, 'cwd'); // empty: nothing for a shell to glob `cloud[1-N]` against
  await mkdir(cwd);
  const ctx: ColdContext = {
    salvo: SALVO,
    servicesFile: lab.servicesFile,
    sshConfig: lab.sshConfig,
    cwd,
    hostsFile,
    timeoutMs: opts.timeoutS * 1000,
  };

  // Key exchange on both sides.
  const openssh = await openSshNegotiated(lab.sshConfig, 'cloud1', cwd);
  const cliKex = await salvoCliNegotiated(ctx, Math.min(opts.sizes[0]!, 20));
  const warmKex: Negotiated[] = [];
  observeHandshakes((n) => warmKex.push(n));
  check();

  // Does each tool's check catch a failed host? cloud2 is made unreachable (wrong port for
  // OpenSSH, no known host key for salvo); a check that passed this run would be worthless.
  const selfTest = lab.hosts >= 3 ? await verificationSelfTest(lab, ctx, work) : [];
  for (const s of selfTest) {
    say(
      `  self-test ${s.tool.padEnd(10)} ${s.caught ? 'caught the failed host' : 'DID NOT NOTICE the failed host'}${s.reason ? `: ${s.reason}` : ''}`,
    );
  }
  check();

  const rows: Row[] = [];
  const one = async (
    spec: SpawnSpec,
    verify: (r: Awaited<ReturnType<typeof timedSpawn>>) => string | undefined,
  ): Promise<Run> => {
    const s0 = serverCpuS(lab.sshdPids);
    const r = await timedSpawn(spec);
    await sleep(opts.pauseMs); // let the servers finish and be reaped before the next run
    const s1 = serverCpuS(lab.sshdPids);
    check();
    const reason = verify(r);
    return {
      wallS: r.wallS,
      ok: !reason,
      ...(reason ? { reason } : {}),
      clientCpuS: ms3(r.clientCpuS),
      serverCpuS: ms3(s1 - s0),
      load1: load1(),
    };
  };

  // Start-up alone: node, the CLI's skeleton, and the modules `salvo exec` loads before it connects.
  const url = (p: string): string => JSON.stringify(pathToFileURL(join(ROOT, p)).href);
  const startup: { name: string; argv: [string, ...string[]] }[] = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
    { name: 'salvo exec --help (the CLI as exec loads it)', argv: [SALVO, 'exec', '--help'] },
    { name: 'salvo help exec (the CLI with every command)', argv: [SALVO, 'help', 'exec'] },
    {
      name: 'node: import what salvo exec loads, unbundled (dist/admin)',
      argv: [
        process.execPath,
        '--input-type=module',
        '-e',
        [
          'dist/admin/cli/main.js',
          'dist/admin/cli/commands/exec/exec.js',
          'dist/admin/deployment/deployment.js',
        ]
          .map((p) => `await import(${url(p)});`)
          .join(' '),
      ],
    },
  ];
  say('bench: start-up (no host contacted)');
  for (const s of startup) {
    const spec: SpawnSpec = { argv: s.argv, cwd, timeoutMs: 60_000 };
    const verify = (r: Awaited<ReturnType<typeof timedSpawn>>): string | undefined =>
      r.code === 0 ? undefined : `exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`;
    await one(spec, verify); // warm-up
    const runs: Run[] = [];
    for (let i = 0; i < opts.runs; i++) {
      runs.push(await one(spec, verify));
    }
    rows.push(row('startup', s.name, 0, runs));
  }

  let warmWindow: number | undefined;
  const reconnected: string[] = [];
  const untimedFailures: string[] = []; // warm-up runs and connect rounds: not timed, still reported
  for (const n of opts.sizes) {
    say(
      `bench: N=${n}: one warm-up run of each tool, then ${opts.runs} timed runs each (tools interleaved)`,
    );
    const runs = new Map<ColdTool, Run[]>(COLD_TOOLS.map((t) => [t, []]));
    const coldRun = (t: ColdTool): Promise<Run> => one(t.spec(n, ctx), (r) => t.check(r, n));
    for (const t of COLD_TOOLS) {
      const r = await coldRun(t);
      say(
        `  warm-up  ${t.name.padEnd(10)} ${r.wallS.toFixed(3)} s${r.ok ? '' : `  FAILED: ${r.reason}`}`,
      );
      if (!r.ok) {
        untimedFailures.push(`${t.name} N=${n} (warm-up run): ${r.reason}`);
      }
    }
    for (let i = 0; i < opts.runs; i++) {
      const order = COLD_TOOLS.map((_, k) => COLD_TOOLS[(k + i) % COLD_TOOLS.length]!); // rotate: no tool always first
      const line: string[] = [];
      for (const t of order) {
        const r = await coldRun(t);
        runs.get(t)!.push(r);
        line.push(`${t.name} ${r.wallS.toFixed(3)}${r.ok ? '' : ' FAILED'}`);
        if (!r.ok) {
          say(`  ${t.name} run ${i + 1} does not count: ${r.reason}`);
        }
      }
      say(`  run ${i + 1}/${opts.runs}: ${line.join(', ')}  (load ${load1()})`);
    }
    for (const t of COLD_TOOLS) {
      rows.push(row('cold', t.name, n, runs.get(t)!, { peer: t.peer }));
    }

    // Warm: the plain call (the services file's window), and with window N when that is larger.
    const warm = await warmFanout({
      servicesFile: lab.servicesFile,
      n,
      rounds: opts.warmRounds,
      signal,
    });
    check();
    warmWindow = warm.window;
    if (!warm.connectRound.ok) {
      untimedFailures.push(`${SALVO_WARM} N=${n} (connect round): ${warm.connectRound.reason}`);
    }
    const reconnects = reconnectNote(warm.connects, n);
    if (warm.connects !== undefined && warm.connects !== n) {
      reconnected.push(`N=${n} window ${warm.window}: ${warm.connects - n}`);
    }
    rows.push(row('warm', SALVO_WARM, n, warm.runs, { note: `window ${warm.window}` }));
    rows.push(
      row('warm', SALVO_WARM_UPTIME, n, warm.uptimeRuns, { note: `window ${warm.window}` }),
    );
    say(
      `  warm     connect round ${warm.connectRound.wallS.toFixed(3)} s${warm.connectRound.ok ? '' : ` FAILED: ${warm.connectRound.reason}`}; ` +
        `rounds: ${warm.runs.map((r) => r.wallS.toFixed(3)).join(' ')} s (window ${warm.window}${reconnects})`,
    );
    say(`  warm     uptime rounds: ${warm.uptimeRuns.map((r) => r.wallS.toFixed(3)).join(' ')} s`);
    for (const [tool, command] of [
      [FLOOR_TRUE, 'true'],
      [FLOOR_UPTIME, 'uptime'],
    ] as const) {
      const floor = await localShellFloor(n, command, opts.warmRounds);
      rows.push(row('warm', tool, n, floor, { note: "no SSH: the hosts' side only" }));
      say(
        `  floor    ${command}: ${floor.map((r) => r.wallS.toFixed(3)).join(' ')} s (${n} local shells)`,
      );
    }
    if (n > warm.window) {
      const wide = await warmFanout({
        servicesFile: lab.servicesFile,
        n,
        rounds: opts.warmRounds,
        concurrency: n,
        signal,
      });
      check();
      const rc = reconnectNote(wide.connects, n);
      if (wide.connects !== undefined && wide.connects !== n) {
        reconnected.push(`N=${n} window ${n}: ${wide.connects - n}`);
      }
      rows.push(row('warm', `${SALVO_WARM} -f N`, n, wide.runs, { note: `window ${n}` }));
      say(
        `  warm -f  rounds: ${wide.runs.map((r) => r.wallS.toFixed(3)).join(' ')} s (window ${n}${rc})`,
      );
    }
  }

  // Report.
  const ts = targets(rows, opts.sizes);
  // Nothing observed on a side is not evidence of fairness: it makes the answer NO.
  const allCurve =
    cliKex.length > 0 &&
    warmKex.length > 0 &&
    [openssh?.kex, ...cliKex.map((k) => k.kex), ...warmKex.map((k) => k.kex)].every(
      (k) => k !== undefined && isCurve25519(k),
    );
  const kexLines = [
    `  OpenSSH (ssh loop, pdsh, pssh, clush: all run ssh -F ${lab.sshConfig}): ` +
      (openssh
        ? `kex ${openssh.kex}, cipher ${openssh.cipher}, host key ${openssh.hostKey}`
        : 'could not tell (ssh -v failed)'),
    `  salvo CLI (ssh2, as \`salvo exec -v\` reports it): ${describeNegotiated(cliKex)}`,
    `  salvo warm (ssh2, this process): ${describeNegotiated(warmKex)}`,
    `  same key exchange (curve25519-sha256) everywhere: ${allCurve ? 'yes' : 'NO'}`,
  ];
  const failedRuns = [
    ...rows.flatMap((r) =>
      r.runs.filter((x) => !x.ok).map((x) => `${r.tool} N=${r.n}: ${x.reason}`),
    ),
    ...untimedFailures,
  ];
  const selfTestBad = selfTest.filter((s) => !s.caught);

  const out = [
    '',
    `Fan-out of \`true\` over SSH — lab fleet of ${lab.hosts} namespace hosts on this machine (${cpus().length} cores, node ${process.version})`,
    `Wall time of the whole command in seconds, ${opts.runs} runs after a warm-up run (warm: ${opts.warmRounds} rounds on open connections).`,
    `Failed runs do not count. CPU: client = the tool and its children, server = the lab's sshds and shells.`,
    '',
    renderTable(rows),
    '',
    renderStartup(rows),
    '',
    'key exchange',
    ...kexLines,
    '',
    'targets (medians)',
    renderTargets(ts),
    '',
    reconnected.length
      ? `WARNING: warm rounds reconnected (${reconnected.join('; ')})`
      : 'warm rounds: every host kept its one connection (no reconnect)',
    failedRuns.length
      ? `runs that did not count (${failedRuns.length}):\n${failedRuns.map((f) => `  ${f}`).join('\n')}`
      : 'every run (warm-up runs and connect rounds too) got N successful answers',
    selfTestBad.length
      ? `WARNING: the check of ${selfTestBad.map((s) => s.tool).join(', ')} did not notice a failed host`
      : '',
    `load average at start ${load1Start.map((x) => x.toFixed(2)).join(' ')}, at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ];
  process.stdout.write(`${out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n')}\n`);

  const file = await writeResults({
    date: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? '?',
      kernel: release(),
      node: process.version,
      loadavgStart: load1Start,
      loadavgEnd: loadavg(),
    },
    versions: {
      openssh: version(['ssh', '-V']),
      pdsh: version(['pdsh', '-V']),
      pssh: version(['parallel-ssh', '--version']),
      clush: version(['clush', '--version']),
      ansible: version(['ansible', '--version']),
      ssh2: await packageVersion('ssh2'),
    },
    options: opts,
    lab: { hosts: lab.hosts, upS: lab.upS ?? null, built: lab.owned },
    commands: Object.fromEntries(
      COLD_TOOLS.map((t) => [
        t.name,
        t
          .spec(200, {
            ...ctx,
            cwd: '$TMP',
            salvo: './bin/salvo',
            servicesFile: 'DIR/services.yaml',
            sshConfig: 'DIR/ssh_config',
            hostsFile: () => 'hosts-200.txt',
          })
          .argv.join(' '),
      ]),
    ),
    kex: {
      openssh: openssh ?? null,
      salvoCli: cliKex,
      salvoWarm: summarize(warmKex),
      allCurve25519: allCurve,
    },
    selfTest,
    rows: rows.map((r) => ({
      group: r.group,
      tool: r.tool,
      n: r.n,
      note: r.note ?? null,
      ...r.stats,
      cpu: cpuMedians(r),
      runs: r.runs,
    })),
    bestPeer: Object.fromEntries(opts.sizes.map((n) => [n, bestPeer(rows, n) ?? null])),
    warmWindowDefault: warmWindow ?? null,
    failures: failedRuns,
    targets: ts,
  });
  process.stdout.write(`results: ${file}\n`);
  return failedRuns.length || selfTestBad.length ? 1 : 0;
}

function summarize(list: readonly Negotiated[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const n of list) {
    const k = `${n.kex} ${n.cipher} ${n.hostKey}`;
    m[k] = (m[k] ?? 0) + 1;
  }
  return m;
}

async function packageVersion(name: string): Promise<string> {
  try {
    return (
      JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
}

/** Run the CLI once with `-v` (untimed) and read what its handshakes negotiated, as `ssh -v` is read for OpenSSH. */
async function salvoCliNegotiated(ctx: ColdContext, n: number): Promise<Negotiated[]> {
  const spec = COLD_TOOLS[0]!.spec(n, ctx);
  const dashes = spec.argv.indexOf('--');
  const argv: SpawnSpec['argv'] = [
    spec.argv[0],
    ...spec.argv.slice(1, dashes),
    '-v',
    ...spec.argv.slice(dashes),
  ];
  const r = await timedSpawn({ ...spec, argv });
  return parseVerboseHandshakes(r.stderr);
}

interface SelfTest {
  tool: string;
  caught: boolean;
  reason?: string;
}

async function verificationSelfTest(
  lab: BenchLab,
  ctx: ColdContext,
  work: string,
): Promise<SelfTest[]> {
  const dir = join(work, 'broken');
  await mkdir(dir);
  // OpenSSH: cloud2 on a port where nothing listens (the first `Port` given wins).
  const sshConfig = join(dir, 'ssh_config');
  await writeFile(sshConfig, `Host cloud2\n  Port 1\n\n${await readFile(lab.sshConfig, 'utf8')}`);
  // salvo: a known_hosts without cloud2 (an unknown host key is refused).
  const knownHosts = join(dir, 'known_hosts');
  const kh = (await readFile(lab.knownHosts, 'utf8'))
    .split('\n')
    .filter((l) => !/^cloud2[, ]/.test(l));
  await writeFile(knownHosts, kh.join('\n'));
  const servicesFile = join(dir, 'services.yaml');
  const services = (await readFile(lab.servicesFile, 'utf8'))
    .replace(/^(\s*identity:).*$/m, `$1 ${lab.identity}`)
    .replace(/^(\s*known_hosts:).*$/m, `$1 ${knownHosts}`);
  await writeFile(servicesFile, services);
  const broken: ColdContext = { ...ctx, sshConfig, servicesFile };
  const out: SelfTest[] = [];
  for (const t of COLD_TOOLS) {
    const r = await timedSpawn(t.spec(3, broken));
    const reason = t.check(r, 3);
    out.push({ tool: t.name, caught: reason !== undefined, ...(reason ? { reason } : {}) });
  }
  return out;
}

async function writeResults(data: unknown): Promise<string> {
  const dir = join(ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  let file = join(dir, `fanout-${day}.json`);
  if (existsSync(file)) {
    file = join(dir, `fanout-${day}-${now.toISOString().slice(11, 19).replace(/:/g, '')}.json`);
  }
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    say(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 70;
  },
);

/** `, no reconnects` when a round opened exactly one connection per host, else how many more. */
function reconnectNote(connects: number | undefined, n: number): string {
  if (connects === undefined) {
    return '';
  }
  return connects === n ? ', no reconnects' : `, ${connects - n} reconnects`;
}
