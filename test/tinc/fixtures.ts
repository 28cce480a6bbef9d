// Recorded real outputs (tinc 1.0.36 on Debian 12) and small builders for the tinc unit tests.
import type { Inventory } from '../../admin/inventory/types.js';

/** stdout of the hosts file `tincd -c DIR -K2048 </dev/null` wrote for Name = cloud7 (verbatim). */
export const TINCD_K_HOST_FILE = `
-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEApWZd6/UGBxsH7hluJO9yZKR1ardbS9RaE3cIObxsYWcj1o6fm8fR
dWSCQfxNr8dwvQQoDLsYDmrExwU+G2hFVhGSgEZQJNwKIHWfnxbQoaS2QFAnGPRX
XbsL/OHZgbB0UzO6ccx1V/RQ7idJj3F+RjSSa3nln7zp4tRlIafmTNcwbr5N2/YN
ukuc2BqDh4vVQjGw1+A/yQ7TX6U4JV3q+LpTCG2d74Qvm7Grqxtww6ExS366RCpk
GhE5t7dIDSbwyqTL6vrym/pGtTP6LMvM6XiB4AYZinU5ckAG+VRh6uELWaEakzhz
S2IL1jBQAltwSz8mwGyOy0v9ngVTPWZGwQIDAQAB
-----END RSA PUBLIC KEY-----
`;

export const KEY = TINCD_K_HOST_FILE.split('\n')
  .filter((l) => /^[A-Za-z0-9+/=]+$/.test(l))
  .join('');

/** A second well-formed key (the first one, reversed in its middle bytes: same DER shape). */
export const KEY2 = Buffer.from(
  Buffer.from(KEY, 'base64').map((b, i) => (i > 20 && i < 200 ? 255 - b : b)),
).toString('base64');

/** A services file for the mesh tests: cloud1-5 plus a guest whose name needs mapping. */
export const SERVICES = `deployment: lab
ssh: { user: root, known_hosts: ./known_hosts, config: null }
hosts:
  "cloud[1-5]": { address: "198.18.9.{n}", vpn: "10.1.{n}.1" }
  storm-db3: { address: 198.18.10.3, vpn: 10.2.3.2 }
  cloud9: { address: 198.18.9.9 }
tinc: { netname: lab, connect_to: all }
`;

export type { Inventory };
