// The import graph of admin/, read from the TypeScript sources with the compiler's own scanner
// (static imports, `import type`, re-exports, dynamic import() and import('…') types).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root (tests run from dist/test/…). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ADMIN = join(ROOT, 'admin');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      walk(p, out);
    } else if (e.name.endsWith('.ts')) {
      out.push(p);
    }
  }
  return out;
}

export interface Graphs {
  /** Module (path under admin/, e.g. `cli/main.ts`) → every admin module it names in an import. */
  all: Map<string, string[]>;
  /** The same, only the imports that load a module together with the importer: not `import
   * type` (loads nothing), not import() (loads it later, when called). */
  eager: Map<string, string[]>;
}

/** Each import of a file, and whether it loads the module at run time. */
function importsOf(file: string): { name: string; eager: boolean }[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { name: string; eager: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        !!c &&
        (c.isTypeOnly ||
          (!c.name &&
            !!c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ name: node.moduleSpecifier.text, eager: !typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ name: node.moduleSpecifier.text, eager: !node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ name: node.arguments[0].text, eager: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal;
      if (ts.isStringLiteral(lit)) {
        found.push({ name: lit.text, eager: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
}

export function moduleGraphs(): Graphs {
  const all = new Map<string, string[]>();
  const eager = new Map<string, string[]>();
  for (const file of walk(ADMIN)) {
    const m = relative(ADMIN, file);
    const local = importsOf(file)
      .filter((i) => i.name.startsWith('.'))
      .map((i) => ({
        ...i,
        to: relative(ADMIN, resolve(dirname(file), i.name)).replace(/\.js$/, '.ts'),
      }));
    all.set(m, [...new Set(local.map((i) => i.to))]);
    eager.set(m, [...new Set(local.filter((i) => i.eager).map((i) => i.to))]);
  }
  return { all, eager };
}

/** Every module reachable from `start` (itself included). */
export function reachable(graph: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const m = todo.pop()!;
    if (!seen.has(m)) {
      seen.add(m);
      todo.push(...(graph.get(m) ?? []));
    }
  }
  return seen;
}

/** The import cycles: strongly connected components of more than one module, or a self-import. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) {
        found.push(scc.sort());
      }
    }
  };
  for (const v of graph.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return found;
}
