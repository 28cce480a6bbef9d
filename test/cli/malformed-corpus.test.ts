// The fault matrix's "malformed services files" row: each file of the corpus
// (test/fixtures/services/malformed/, one mistake each, its expected message in its first line)
// given to a command that would touch every host. Each must stop with exit 2 and located errors
// only — no stack trace — and no host is touched: the hosts point at a listener here that counts
// every connection, and the command would create a marker file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';

const CORPUS = resolve('test/fixtures/services/malformed');
const BIN = resolve('bin/salvo');

function salvo(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      done({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

test('malformed services files: exit 2, located errors, nothing touched', async (t) => {
  const files = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  assert.ok(files.length >= 30, `a corpus of ${files.length}`);

  let connections = 0;
  const listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const port = (listener.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'salvo-corpus-'));
  const marker = join(dir, 'touched');
  t.after(() => {
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const limit = pLimit(4);
  const results = await Promise.all(
    files.map((name) =>
      limit(async () => {
        const text = readFileSync(join(CORPUS, name), 'utf8');
        const expect = /^# expect: (.+)$/m.exec(text)?.[1];
        assert.ok(expect, `${name} states what it expects`);
        const file = join(dir, name);
        writeFileSync(file, text.replaceAll('@PORT@', String(port)));
        const r = await salvo(['-s', file, 'exec', '@all', '--', 'touch', marker]);
        return { name, file, expect: new RegExp(expect), r };
      }),
    ),
  );
  for (const { name, file, expect, r } of results) {
    assert.equal(r.code, 2, `${name}: exit ${r.code}\n${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    const problems = lines.filter((l) => !/^\d+ problems? in the services file$/.test(l));
    assert.ok(problems.length > 0, `${name}: no problem reported`);
    for (const line of problems) {
      assert.ok(line.startsWith(`${file}:`), `${name}: not located: ${line}`);
      assert.match(line, /^\S+:\d+:\d+: \S/, `${name}: not file:line:col: ${line}`);
    }
    assert.ok(
      problems.some((l) => expect.test(l)),
      `${name}: expected ${expect}, got:\n${r.stderr}`,
    );
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${name}: a stack trace`);
  }
  assert.equal(connections, 0, 'a host was contacted');
  assert.equal(existsSync(marker), false, 'the command ran');
});
