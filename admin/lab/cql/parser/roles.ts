// LAB ONLY. Roles and permissions: role options (CREATE/ALTER ROLE and the legacy USER forms),
// GRANT and REVOKE (of roles and of permissions on resources), and LIST USERS/ROLES/PERMISSIONS.
import type { RoleOptions, Statement } from './ast.js';
import type { Cursor } from './cursor.js';
import { literal, term } from './terms.js';

const PERMS = ['create', 'alter', 'drop', 'select', 'modify', 'authorize', 'describe', 'execute'];

export function roleOptions(c: Cursor, legacyUser: boolean): RoleOptions {
  const o: RoleOptions = {};
  if (legacyUser) {
    o.login = true;
    if (c.opt('with')) {
      c.word('password');
      o.password = term(c, '[password]');
    }
    if (c.opt('superuser')) {
      o.superuser = true;
    } else if (c.opt('nosuperuser')) {
      o.superuser = false;
    }
    return o;
  }
  if (!c.opt('with')) {
    return o;
  }
  do {
    const k = c.ident();
    c.sym('=');
    if (k === 'password') {
      o.password = term(c, '[password]');
    } else if (k === 'login' || k === 'superuser') {
      o[k] = literal(c) === true;
    } else {
      literal(c);
    }
  } while (c.opt('and'));
  return o;
}

function permsOf(c: Cursor): string[] {
  if (c.opt('all')) {
    c.opt('permissions');
    return [...PERMS];
  }
  const out: string[] = [];
  do {
    const p = c.ident();
    if (!PERMS.includes(p)) {
      c.fail(`unknown permission ${p}`);
    }
    out.push(p);
    c.opt('permission');
  } while (c.optSym(','));
  return out;
}

function resourceOf(c: Cursor): string {
  if (c.opt('all')) {
    if (c.opt('keyspaces')) {
      return 'data';
    }
    if (c.opt('roles')) {
      return 'roles';
    }
    c.fail('unsupported resource');
  }
  if (c.opt('keyspace')) {
    return `data/${c.ident()}`;
  }
  if (c.opt('role')) {
    return `roles/${c.ident()}`;
  }
  c.opt('table');
  const r = c.ref();
  return r.ks ? `data/${r.ks}/${r.table}` : `data/?/${r.table}`;
}

/** GRANT or REVOKE (from the word on): a role to a role, or permissions on a resource to a role. */
export function grantOrRevoke(c: Cursor): Statement {
  const grant = c.isWord('grant');
  c.i++;
  if (c.isWord('to', 1) || c.isWord('from', 1)) {
    const role = c.ident();
    c.i++;
    return { type: grant ? 'grantRole' : 'revokeRole', role, grantee: c.ident() };
  }
  const perms = permsOf(c);
  c.word('on');
  const resource = resourceOf(c);
  c.word(grant ? 'to' : 'from');
  return { type: grant ? 'grant' : 'revoke', perms, resource, role: c.ident() };
}

/** LIST (after the word) USERS, ROLES or PERMISSIONS [OF role]. */
export function list(c: Cursor): Statement {
  if (c.opt('users')) {
    return { type: 'listUsers' };
  }
  if (c.opt('roles')) {
    c.skipRest();
    return { type: 'listRoles' };
  }
  permsOf(c);
  let of: string | undefined;
  while (c.peek().t !== 'end' && !c.isSym(';')) {
    if (c.opt('of')) {
      of = c.ident();
    } else {
      c.i++;
    }
  }
  return of === undefined ? { type: 'listPermissions' } : { type: 'listPermissions', of };
}
