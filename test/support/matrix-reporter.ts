// A node:test reporter that records every test's result (name, file, pass/fail/skip) in
// test-results/test-run.json when a run ends; `npm run matrix` builds the fault-matrix table of
// docs/reliability.md from it. The TAP reporter still prints the run; this one prints one line.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../../admin/fs/index.js';

export interface RecordedResult {
  name: string;
  file: string; // relative to the repository, as test/… (the .ts it was compiled from)
  result: 'pass' | 'fail' | 'skip';
}

export interface TestRun {
  at: string;
  node: string;
  results: RecordedResult[];
}

export const RUN_FILE = join('test-results', 'test-run.json');

interface TestEventData {
  name: string;
  file?: string;
  skip?: unknown;
}

/** dist/test/x/y.test.js → test/x/y.test.ts */
function sourceOf(file: string | undefined): string {
  if (!file) {
    return '?';
  }
  return relative(process.cwd(), file)
    .replace(/^dist\//, '')
    .replace(/\.js$/, '.ts');
}

export default async function* matrixReporter(
  source: AsyncIterable<{ type: string; data: TestEventData }>,
): AsyncGenerator<string> {
  const results: RecordedResult[] = [];
  for await (const event of source) {
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const skipped = event.data.skip !== undefined && event.data.skip !== false;
      let result: RecordedResult['result'] = skipped ? 'skip' : 'pass';
      if (event.type === 'test:fail') {
        result = 'fail';
      }
      results.push({ name: event.data.name, file: sourceOf(event.data.file), result });
    }
  }
  const run: TestRun = { at: new Date().toISOString(), node: process.version, results };
  mkdirSync('test-results', { recursive: true });
  await writeFileAtomic(RUN_FILE, `${JSON.stringify(run, null, 1)}\n`);
  yield `test results of ${results.length} tests recorded in ${RUN_FILE} (npm run matrix writes docs/reliability.md's table)\n`;
}
