#!/usr/bin/env node
// `npm run matrix`: docs/reliability.md's fault-matrix table from the last `npm test` run.
import { writeMatrixDocs } from '../dist/test/support/matrix-docs.js';

writeMatrixDocs();
