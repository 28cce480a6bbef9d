// LAB ONLY. Roles and permissions: password hashing, role membership, the permission check every
// statement makes, and the role statements (CREATE/ALTER/DROP ROLE, GRANT, REVOKE, LIST).
import { createHash } from 'node:crypto';
import { CqlError, invalid } from '../errors.js';
import type { SimNode } from '../node/index.js';
import type { RoleOptions, Statement } from '../parser/index.js';
import { ERR } from '../protocol.js';
import { mapOf, T, type Value } from '../types.js';
import { type Ctx, nowMicros, type Result } from './context.js';
import { value } from './values.js';

export function passwordHash(role: string, password: string): string {
  return createHash('sha256').update(`${role}\0${password}`).digest('hex');
}

function isSuper(node: SimNode, user: string): boolean {
  return rolesOf(node, user).some((r) => node.store.meta.roles[r]?.superuser);
}

function rolesOf(node: SimNode, user: string): string[] {
  const roles = node.store.meta.roles;
  const out = new Set<string>();
  const visit = (r: string): void => {
    const def = roles[r];
    if (out.has(r) || !def || def.dropped) {
      return;
    }
    out.add(r);
    def.memberOf.forEach(visit);
  };
  visit(user);
  return [...out];
}

export function authorize(node: SimNode, ctx: Ctx, perm: string, resource: string): void {
  if (ctx.user === undefined || isSuper(node, ctx.user)) {
    return;
  }
  const parts = resource.split('/');
  const chain = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  for (const role of rolesOf(node, ctx.user)) {
    for (const r of chain) {
      if (node.store.meta.perms[`${role}|${r}|${perm}`]?.granted) {
        return;
      }
    }
  }
  const what = resourceText(resource);
  throw new CqlError(
    ERR.UNAUTHORIZED,
    `User ${ctx.user} has no ${perm.toUpperCase()} permission on ${what} or any of its parents`,
  );
}

function requireSuper(node: SimNode, ctx: Ctx, what: string): void {
  if (ctx.user !== undefined && !isSuper(node, ctx.user)) {
    throw new CqlError(ERR.UNAUTHORIZED, `Only superusers are allowed to perform ${what} queries`);
  }
}

/** Every statement that is not DDL, DML or USE: the role statements, else unsupported. */
export async function roleStatement(node: SimNode, s: Statement, ctx: Ctx): Promise<Result> {
  const roles = node.store.meta.roles;
  const live = (name: string) => roles[name] !== undefined && !roles[name]!.dropped;
  const apply = (name: string, o: RoleOptions, base = roles[name]) => {
    const pw = o.password ? value(o.password, T.text, ctx) : undefined;
    roles[name] = {
      memberOf: base?.memberOf ?? [],
      login: o.login ?? base?.login ?? false,
      superuser: o.superuser ?? base?.superuser ?? false,
      ts: nowMicros(),
      ...passwordOf(name, pw, base?.password),
    };
  };
  switch (s.type) {
    case 'createRole':
      requireSuper(node, ctx, 'CREATE ROLE');
      if (live(s.name)) {
        if (s.ifNotExists) {
          return { kind: 'void' };
        }
        throw invalid(`${s.name} already exists`);
      }
      apply(s.name, s.options, undefined);
      break;
    case 'alterRole':
      if (!live(s.name)) {
        throw invalid(`${s.name} doesn't exist`);
      }
      if (
        ctx.user !== s.name ||
        s.options.superuser !== undefined ||
        s.options.login !== undefined
      ) {
        requireSuper(node, ctx, 'ALTER ROLE');
      }
      if (ctx.user === s.name && s.options.superuser === false) {
        throw new CqlError(
          ERR.UNAUTHORIZED,
          "You aren't allowed to alter your own superuser status",
        );
      }
      apply(s.name, s.options);
      break;
    case 'dropRole':
      requireSuper(node, ctx, 'DROP ROLE');
      if (ctx.user === s.name) {
        throw invalid('Cannot DROP primary role for current login');
      }
      if (!live(s.name)) {
        if (s.ifExists) {
          return { kind: 'void' };
        }
        throw invalid(`${s.name} doesn't exist`);
      }
      roles[s.name] = { ...roles[s.name]!, dropped: true, ts: nowMicros() };
      break;
    case 'grant':
    case 'revoke': {
      requireSuper(node, ctx, s.type.toUpperCase());
      if (!live(s.role)) {
        throw invalid(`Role ${s.role} doesn't exist`);
      }
      const resource = s.resource.replace('data/?/', `data/${ctx.keyspace ?? '?'}/`);
      for (const perm of s.perms) {
        node.store.meta.perms[`${s.role}|${resource}|${perm}`] = {
          granted: s.type === 'grant',
          ts: nowMicros(),
        };
      }
      break;
    }
    case 'grantRole':
    case 'revokeRole': {
      requireSuper(node, ctx, 'GRANT ROLE');
      if (!live(s.role) || !live(s.grantee)) {
        throw invalid(`${live(s.role) ? s.grantee : s.role} doesn't exist`);
      }
      const r = roles[s.grantee]!;
      const memberOf = r.memberOf.filter((x) => x !== s.role);
      roles[s.grantee] = {
        ...r,
        memberOf: s.type === 'grantRole' ? [...memberOf, s.role] : memberOf,
        ts: nowMicros(),
      };
      break;
    }
    case 'listUsers':
      return {
        kind: 'rows',
        ks: 'system_auth',
        table: 'roles',
        columns: [
          { name: 'name', type: T.text },
          { name: 'super', type: T.boolean },
          { name: 'datacenters', type: T.text },
        ],
        rows: Object.entries(roles)
          .filter(([, r]) => !r.dropped && r.login)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, r]) => [name, r.superuser, 'ALL']),
      };
    case 'listRoles':
      return {
        kind: 'rows',
        ks: 'system_auth',
        table: 'roles',
        columns: [
          { name: 'role', type: T.text },
          { name: 'super', type: T.boolean },
          { name: 'login', type: T.boolean },
          { name: 'options', type: mapOf(T.text, T.text) },
          { name: 'datacenters', type: T.text },
        ],
        rows: Object.entries(roles)
          .filter(([, r]) => !r.dropped)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, r]) => [name, r.superuser, r.login, [], 'ALL']),
      };
    case 'listPermissions':
      return {
        kind: 'rows',
        ks: 'system_auth',
        table: 'role_permissions',
        columns: ['role', 'username', 'resource', 'permission'].map((name) => ({
          name,
          type: T.text,
        })),
        rows: Object.entries(node.store.meta.perms)
          .filter(([k, v]) => v.granted && (s.of === undefined || k.startsWith(`${s.of}|`)))
          .map(([k]) => {
            const [role, resource, perm] = k.split('|');
            const res = resourceText(resource!);
            return [role!, role!, res, perm!.toUpperCase()];
          })
          .sort(),
      };
    default:
      throw invalid('unsupported statement');
  }
  await node.spreadMeta();
  return { kind: 'void' };
}

/** `data/ks/t` as Cassandra names it in messages: `<table ks.t>`, `<keyspace ks>`, `<all keyspaces>`. */
function resourceText(resource: string): string {
  const [, k, t] = resource.split('/');
  if (t) {
    return `<table ${k}.${t}>`;
  }
  return k ? `<keyspace ${k}>` : '<all keyspaces>';
}

function passwordOf(
  role: string,
  given: Value | undefined,
  old: string | undefined,
): { password?: string } {
  if (given) {
    return { password: passwordHash(role, String(given)) };
  }
  return old ? { password: old } : {};
}
