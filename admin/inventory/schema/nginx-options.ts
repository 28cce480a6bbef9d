// Options of the nginx kind beyond the daemon options. Salvo writes these values into nginx.conf
// (admin/services/nginx/config.ts), so they are checked here against nginx's config syntax: a
// value with a space, `;`, `{`, a quote, `$` (a variable) or `#` (a comment) could end the
// directive and start another. Rejected at load time, at the value's line and column.
import * as z from 'zod';
import { expecting } from './describe.js';

/** An absolute path nginx reads as one plain token (no quoting, no variables). */
export const NGINX_PATH = /^\/[A-Za-z0-9._/@+,:~=-]*$/;

/** A user name nginx's `user` directive takes as one token. */
export const NGINX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export const NGINX_PATH_EXPECTED =
  'an absolute path of letters, digits and / . _ - + @ , : ~ = (it goes into nginx.conf: no spaces, quotes, ; { } $ # or \\)';

export const NGINX_OPTIONS = {
  version: z
    .string({ error: expecting('a version string (quote it: "1.22.1")') })
    .min(1)
    .optional()
    .describe(
      'the nginx version expected, as `nginx -v` prints it ("1.22.1"): `salvo diff` reports a running nginx of another version',
    ),
  root: z
    .string({ error: expecting('an absolute path') })
    .regex(NGINX_PATH, { error: expecting(NGINX_PATH_EXPECTED) })
    .optional()
    .describe(
      'directory of the static files, served at / and /static/ (default /srv/salvo/<deployment>/static)',
    ),
  worker_processes: z
    .union([z.literal('auto'), z.int().min(1).max(512)], {
      error: expecting('"auto" or a whole number of processes'),
    })
    .optional()
    .describe('nginx worker processes (default auto: one per CPU)'),
  user: z
    .string({ error: expecting('a user name') })
    .regex(NGINX_USER, { error: expecting('a user name such as www-data') })
    .optional()
    .describe('the user nginx workers run as when nginx starts as root (default www-data)'),
};
