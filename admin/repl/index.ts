// `salvo repl`: Node's REPL with each deployment as an object named after it (`storm`, `cloud`).
// Each line runs under its own cancel signal (Ctrl-C stops the remote work and returns to the
// prompt); a returned promise is awaited, so `storm.restart('hub')` needs no `await`; library
// results are rendered as the CLI renders them and kept in `last`. Connections stay open between
// lines. The CLI injects the renderers: nothing here imports cli/.
import repl, { type REPLServer } from 'node:repl';
import { inspect } from 'node:util';
import type { Deployment } from '../deployment/deployment.js';
import { withCancel } from '../deployment/cancel.js';
import type { DeploymentEvent } from '../deployment/events.js';
import { NodeSet } from '../deployment/node-set.js';
import { subsystems } from '../deployment/subsystems.js';
import { AdminError } from '../errors.js';
import { cmd, shell } from '../transport/command.js';
import { completeInString, type Vocabulary } from './complete.js';
import { helpText } from './help.js';

export interface ReplOptions {
  deployments: Deployment[];
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Where history persists between sessions; none when undefined. */
  historyFile?: string;
  /** Text for a library result (folded like the CLI), or undefined for anything else. */
  render: (value: unknown) => string | undefined;
  /** Told each progress event while a line runs (renders it live). */
  progress: (e: DeploymentEvent) => void;
  /** Text for an operator-caused error (no stack). */
  renderError: (err: unknown) => string;
  colors?: boolean;
}

/** Methods that are the Deployment's plumbing, not the operator's verbs: not offered by Tab. */
const PLUMBING = new Set([
  'constructor',
  'operate',
  'rolloutOptions',
  'runner',
  'planned',
  'listeners',
  'operatorLock',
  'options',
  'quietExec',
  'listenerFor',
  'emit',
  'rolloutDeps',
  'planRequest',
  'pool',
  'base',
  'change',
  'dep',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'valueOf',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/** A JavaScript name for a deployment: `storm`; `my-cloud` → `my_cloud`. */
export function bindingName(deployment: string): string {
  const name = deployment.replace(/\W/g, '_');
  return /^\d/.test(name) ? `_${name}` : name;
}

/** Does `v` carry node sets a next command can target (`last.failed`)? */
function isResult(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    'failed' in v &&
    (v as { failed: unknown }).failed instanceof NodeSet
  );
}

export function startRepl(o: ReplOptions): Promise<void> {
  const output = o.output ?? process.stdout;
  const names = new Map<string, Deployment>();
  for (const dep of o.deployments) {
    const name = bindingName(dep.name);
    if (names.has(name)) {
      throw new AdminError(
        `two services files name the deployment ${dep.name}: ${names.get(name)!.file} and ${dep.file}`,
      );
    }
    names.set(name, dep);
  }
  const write = (text: string): void => {
    if (text) {
      output.write(text);
    }
  };
  const server = repl.start({
    prompt: `${[...names.keys()].join(',') || 'salvo'}> `,
    input: o.input ?? process.stdin,
    output,
    ignoreUndefined: true,
    preview: false,
    useColors: o.colors ?? false,
    writer: (v: unknown) => {
      const text = o.render(v);
      return text === undefined
        ? inspect(v, { colors: o.colors ?? false, depth: 4 })
        : text.replace(/\n$/, '');
    },
  });
  for (const [name, dep] of names) {
    defineConst(server, name, dep);
    dep.onEvent(o.progress);
  }
  defineConst(server, 'cmd', cmd);
  defineConst(server, 'shell', shell);
  defineConst(server, 'NodeSet', NodeSet);
  server.context.last = undefined;

  let running: AbortController | undefined;
  const defaultEval = server.eval;
  type Callback = (err: Error | null, value?: unknown) => void;
  (server as unknown as { eval: repl.REPLEval }).eval = (code, context, file, cb: Callback) => {
    const ac = new AbortController();
    running = ac;
    const finish = (err: Error | null, value?: unknown): void => {
      running = undefined;
      if (err instanceof AdminError) {
        write(o.renderError(err));
        cb(null, undefined);
        return;
      }
      if (!err && isResult(value)) {
        context.last = value;
      }
      cb(err, value);
    };
    withCancel(ac.signal, () =>
      defaultEval.call(server, code, context, file, (err, value) => {
        if (err || !isThenable(value)) {
          return finish(err, value);
        }
        value.then(
          (v) => finish(null, v),
          (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
        );
      }),
    );
  };

  // Ctrl-C while a line runs cancels it (remote process groups killed) and waits for its
  // partial result; otherwise the REPL's own handling (clear the line, twice to quit).
  const own = server.listeners('SIGINT') as ((...a: unknown[]) => void)[];
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', () => {
    if (running && !running.signal.aborted) {
      write('\ninterrupted: stopping remote commands (Ctrl-C again to stop waiting)\n');
      running.abort();
      return;
    }
    for (const l of own) {
      l.call(server);
    }
  });

  const vocab = (): Vocabulary => ({
    hosts: o.deployments.flatMap((d) => [...d.hosts]),
    groups: o.deployments.flatMap((d) => Object.keys(d.groups)),
    services: o.deployments.flatMap((d) => d.services),
  });
  type Completed = (err: Error | null, r?: [string[], string]) => void;
  const defaultCompleter = server.completer as unknown as (line: string, cb: Completed) => void;
  (server as unknown as { completer: unknown }).completer = (line: string, cb: Completed): void => {
    const inString = completeInString(line, vocab());
    if (inString) {
      cb(null, inString);
      return;
    }
    defaultCompleter.call(server, line, (err, r) => {
      if (err || !r) {
        return cb(err);
      }
      const [list, word] = r as [string[], string];
      cb(null, [list.filter((c) => !PLUMBING.has(c.slice(c.lastIndexOf('.') + 1))), word]);
    });
  };

  server.defineCommand('help', {
    help: 'deployments, their methods, and examples',
    action() {
      write(
        helpText(
          [...names].map(([n, d]) => ({ name: n, file: d.file, hosts: String(d.hosts) })),
          subsystems(),
        ),
      );
      this.displayPrompt();
    },
  });

  if (o.historyFile) {
    server.setupHistory(o.historyFile, (err) => {
      if (err) {
        write(`history is not kept: ${err.message}\n`);
      }
    });
  }

  return new Promise((resolve) => {
    server.on('exit', () => {
      void Promise.all(o.deployments.map((d) => d.close())).then(() => resolve());
    });
  });
}

function defineConst(server: REPLServer, name: string, value: unknown): void {
  Object.defineProperty(server.context, name, {
    configurable: false,
    enumerable: true,
    writable: false,
    value,
  });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function'
  );
}
