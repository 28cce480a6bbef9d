// salvo copy against pdcp and clush --copy on one lab fleet: one 64 MiB file, then a directory
// of 2,000 small files, to every host. `salvo copy` is the default way (auto: SFTP for a few new
// plain files, rsync over the connection for trees); `salvo --via sftp` and `--via rsync` are
// recorded beside it. Each run starts from an empty destination and is checked on every host
// (checksum, file count); a run that did not deliver does not count. CPU is recorded with the
// wall time: the client's (the tool and everything it started) and the lab sshds' (the
// receiving side), as wall time on the shared 2-core machine depends on who else is running.
// node dist/bench/copy/run.js [--hosts 20] [--runs 3] [--lab DIR]
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildLab, destroyLab, labDir, useExistingLab, type BenchLab } from '../fanout/lab.js';
import { load1, ms3, serverCpuS, timedSpawn, type SpawnSpec } from '../fanout/measure.js';
import { target, type Target } from '../suite/targets.js';

interface Options {
  hosts: number;
  runs: number;
  lab?: string;
}

function parse(argv: string[]): Options {
  const o: Options = { hosts: 20, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--hosts' && value) {
      o.hosts = Number(value);
      i++;
    } else if (flag === '--runs' && value) {
      o.runs = Number(value);
      i++;
    } else if (flag === '--lab' && value) {
      o.lab = value;
      i++;
    } else {
      throw new Error(`usage: copy [--hosts N] [--runs N] [--lab DIR] (got ${flag})`);
    }
  }
  return o;
}

const SALVO = resolve('bin/salvo');
const DEST = '/srv/copybench';
const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

interface Tool {
  name: string;
  peer: boolean;
  spec(src: string, dir: boolean): SpawnSpec;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const dir = o.lab ?? (await labDir());
  let lab: BenchLab | undefined;
  const work = await mkdtemp(join(tmpdir(), 'salvo-bench-copy-'));
  const loadAtStart = Number(load1());
  try {
    lab = o.lab ? await useExistingLab(o.lab) : await buildLab(dir, o.hosts, say);
    const n = lab.hosts;
    const nodes = n === 1 ? 'cloud1' : `cloud[1-${n}]`;
    const cwd = join(work, 'cwd'); // empty: pdsh/clush would glob cloud[1-N] against files
    await mkdir(cwd);
    const big = join(work, 'big.bin');
    await writeFile(big, randomBytes(64 * 1024 * 1024));
    const small = join(work, 'small');
    await mkdir(small);
    for (let i = 0; i < 2000; i++) {
      await writeFile(join(small, `f${i}`), randomBytes(512 + (i % 7) * 512));
    }
    const bigSum = (
      await timedSpawn({ argv: ['md5sum', big], cwd, timeoutMs: 60_000 })
    ).stdout.slice(0, 32);
    const sshArgs = { PDSH_SSH_ARGS_APPEND: `-F ${lab.sshConfig}` };
    const salvo = (name: string, via: string[]): Tool => ({
      name,
      peer: false,
      spec: (src) => ({
        argv: [
          SALVO,
          '-s',
          lab!.servicesFile,
          'copy',
          '-f',
          String(n),
          ...via,
          nodes,
          src,
          `${DEST}/`,
        ],
        cwd,
        timeoutMs: 600_000,
      }),
    });
    const tools: Tool[] = [
      salvo('salvo copy', []),
      // Each way forced, measured beside the default for the docs; not peers, no target.
      salvo('salvo --via sftp', ['--via', 'sftp']),
      salvo('salvo --via rsync', ['--via', 'rsync']),
      {
        name: 'pdcp',
        peer: true,
        spec: (src, isDir) => ({
          argv: [
            'pdcp',
            '-R',
            'ssh',
            '-f',
            '256',
            ...(isDir ? ['-r'] : []),
            '-w',
            nodes,
            src,
            `${DEST}/`,
          ],
          cwd,
          env: sshArgs,
          timeoutMs: 600_000,
        }),
      },
      {
        name: 'clush --copy',
        peer: true,
        spec: (src) => ({
          argv: [
            'clush',
            '-w',
            nodes,
            '-f',
            '256',
            '-o',
            `-F ${lab!.sshConfig}`,
            '--copy',
            src,
            '--dest',
            `${DEST}/`,
          ],
          cwd,
          timeoutMs: 600_000,
        }),
      },
    ];
    const exec = (cmd: string) =>
      timedSpawn({
        argv: [SALVO, '-s', lab!.servicesFile, 'exec', '--json', nodes, '--', cmd],
        cwd,
        timeoutMs: 120_000,
      });
    const rows: {
      workload: string;
      tool: string;
      runs: number[];
      /** 1-minute load average after each run. */
      loads: number[];
      /** user+sys CPU seconds of each counted run: the tool and its children, the lab's sshds. */
      clientCpu: number[];
      serverCpu: number[];
      median: number | null;
      failures: string[];
    }[] = [];
    for (const [workload, src, isDir, check] of [
      ['64 MiB file', big, false, `md5sum < ${DEST}/big.bin | cut -c1-32`],
      ['2,000 small files', small, true, `find ${DEST}/small -type f | wc -l`],
    ] as const) {
      const want = isDir ? '2000' : bigSum;
      for (const tool of tools) {
        const runs: number[] = [];
        const loads: number[] = [];
        const clientCpu: number[] = [];
        const serverCpu: number[] = [];
        const failures: string[] = [];
        for (let r = 0; r < o.runs; r++) {
          await exec(`rm -rf ${DEST} && mkdir -p ${DEST}`);
          const server0 = serverCpuS(lab!.sshdPids);
          const got = await timedSpawn(tool.spec(src, isDir));
          const server = serverCpuS(lab!.sshdPids) - server0;
          const verify = await exec(check);
          const answers = verify.stdout
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { stdout: string }).stdout.trim());
          const delivered = answers.length === n && answers.every((a) => a === want);
          if (got.code === 0 && delivered) {
            runs.push(got.wallS);
            clientCpu.push(ms3(got.clientCpuS));
            serverCpu.push(ms3(server));
          } else {
            failures.push(
              `exit ${got.code}, ${answers.filter((a) => a === want).length}/${n} delivered: ${got.stderr.trim().split('\n')[0] ?? ''}`,
            );
          }
          loads.push(Number(load1()));
          say(
            `  ${workload}, ${tool.name}, run ${r + 1}: ${got.wallS.toFixed(2)} s, CPU ${got.clientCpuS.toFixed(2)} s client + ${server.toFixed(2)} s sshd${got.code === 0 && delivered ? '' : ' (does not count)'} (load ${load1()})`,
          );
        }
        const sorted = [...runs].sort((a, b) => a - b);
        rows.push({
          workload,
          tool: tool.name,
          runs,
          loads,
          clientCpu,
          serverCpu,
          median: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null,
          failures,
        });
      }
    }
    const targets: Target[] = ['64 MiB file', '2,000 small files'].map((w) => {
      const ours = rows.find((r) => r.workload === w && r.tool === 'salvo copy')?.median ?? null;
      const peers = rows.filter(
        (r) => r.workload === w && tools.find((t) => t.name === r.tool)?.peer && r.median !== null,
      );
      const best = peers.sort((a, b) => a.median! - b.median!)[0];
      return target({
        what: `salvo copy, ${w} to ${n} hosts ≤ 0.85× best of pdcp / clush --copy`,
        n,
        value: ours !== null && best ? Math.round((ours / best.median!) * 100) / 100 : null,
        limit: 0.85,
        unit: '×',
        ...(best ? { against: best.tool } : {}),
      });
    });
    for (const r of rows) {
      say(
        `${r.workload.padEnd(18)} ${r.tool.padEnd(16)} median ${r.median?.toFixed(2) ?? 'n/a'} s${r.failures.length ? `  failures: ${r.failures.join('; ')}` : ''}`,
      );
    }
    for (const t of targets) {
      say(
        `${t.verdict}  ${t.what}: ${t.value ?? 'n/a'}${t.against ? ` (against ${t.against})` : ''}`,
      );
    }
    const file = resolve(
      'bench/results',
      `copy-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    await mkdir(resolve('bench/results'), { recursive: true });
    await writeFile(
      file,
      `${JSON.stringify({ hosts: n, runs: o.runs, loadAtStart, loadAtEnd: Number(load1()), rows, targets }, null, 2)}\n`,
    );
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
    if (lab?.owned ?? !o.lab) {
      await destroyLab(dir);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
