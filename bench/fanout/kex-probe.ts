// Loaded into the salvo CLI with `node --import` (NODE_OPTIONS) by the benchmark: appends the
// algorithms of every SSH handshake the CLI makes to $SALVO_BENCH_KEX_OUT, one JSON line each.
// It only observes; the CLI runs unchanged.
import { appendFileSync } from 'node:fs';
import { observeHandshakes } from './kex.js';

const out = process.env.SALVO_BENCH_KEX_OUT;
if (out) observeHandshakes((n) => appendFileSync(out, `${JSON.stringify(n)}\n`));
