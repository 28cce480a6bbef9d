// What every benchmark program does at its end: write its record to bench/results/NAME-TIME.json
// (with the date, cores and load it ran under), print `results: FILE` for the suite, and exit 0
// only when every target passed.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results');

/** Write the record; returns its path (also printed as `results: FILE`). */
export async function writeRecord(name: string, data: object): Promise<string> {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const out = join(RESULTS, `${name}-${stamp}.json`);
  await mkdir(RESULTS, { recursive: true });
  const record = { date: new Date().toISOString(), cores: cpus().length, load: loadavg(), ...data };
  await writeFile(out, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
  return out;
}

/** Run a benchmark's main: its return value is the exit code; an error is one line on stderr. */
export function runBench(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
