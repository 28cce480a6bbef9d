// Load a release script (.ts, .mts, .js, .mjs): esbuild bundles it with its relative imports
// (Node 20 cannot run TypeScript itself); `import … from 'salvo'` is served from the library this
// process already runs, so its classes are the same ones (a second copy would not recognise
// them); other packages stay imports, resolved from the script's directory.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';
import { onFirstUse } from '../lazy/index.js';
import type { ReleaseScript } from './index.js';

const LIBRARY = Symbol.for('salvo.library');

/** esbuild (a native binary, never bundled) for `salvo run` only. */
const esbuild = onFirstUse<typeof import('esbuild')>('esbuild');

export interface LoadedScript {
  path: string;
  sha256: string;
  script: ReleaseScript;
}

export async function loadScript(file: string): Promise<LoadedScript> {
  const path = resolve(file);
  let source: Buffer;
  try {
    source = readFileSync(path);
  } catch (err) {
    throw new UsageError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)}`,
    );
  }
  const library = await import('../index.js');
  (globalThis as Record<symbol, unknown>)[LIBRARY] = library;
  const names = Object.keys(library).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  const { build } = esbuild();
  let code: string;
  try {
    const out = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      // CommonJS: the CLI runs from a code-cached script, where import() of a file is experimental.
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      sourcemap: 'inline',
      plugins: [
        {
          name: 'salvo-library',
          setup(b) {
            b.onResolve({ filter: /^salvo$/ }, () => ({
              path: 'salvo',
              namespace: 'salvo-library',
            }));
            b.onLoad({ filter: /.*/, namespace: 'salvo-library' }, () => ({
              contents: `const l = globalThis[Symbol.for('salvo.library')];\nexport const { ${names.join(', ')} } = l;\n`,
              loader: 'js',
            }));
          },
        },
      ],
    });
    code = out.outputFiles[0]!.text;
  } catch (err) {
    const errors = (
      err as {
        errors?: { text: string; location?: { file: string; line: number; column: number } }[];
      }
    ).errors;
    const first = errors?.[0];
    const where = first?.location
      ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
      : '';
    throw new UsageError(`${file}: cannot load: ${where}${first?.text ?? String(err)}`);
  }
  // Beside the script, so that its package imports resolve as they would from the script.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.salvo-run.cjs`);
  writeFileSync(tmp, code, { mode: 0o600 });
  let mod: { default?: unknown };
  try {
    const load = createRequire(tmp);
    mod = load(tmp) as { default?: unknown };
    delete load.cache[tmp];
  } catch (err) {
    throw new UsageError(
      `${file}: cannot load: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    rmSync(tmp, { force: true });
  }
  if (typeof mod.default !== 'function') {
    throw new UsageError(
      `${file}: the script must export a default function: export default async function (r: Release) { … }`,
    );
  }
  return {
    path,
    sha256: createHash('sha256').update(source).digest('hex'),
    script: mod.default as ReleaseScript,
  };
}
