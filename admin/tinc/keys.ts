// Whose public key is known, from where, and who still needs a key pair. Pure.
// A host's own hosts/NAME is the freshest source (it was written next to the private key);
// conf/tinc_hosts/NAME is the record, used when the host is unreachable or its own copy is lost.
import { TincFileError, TincParseError } from './errors.js';
import { parseHostFile, type HostFile } from './config/index.js';
import type { MeshMember, MeshSpec } from './mesh.js';
import type { TincPaths } from './remote/index.js';
import type { NodeState } from './remote/index.js';

export interface KeyInputs {
  spec: MeshSpec;
  paths: TincPaths;
  states: ReadonlyMap<string, NodeState>; // reachable members only
  record: ReadonlyMap<string, HostFile>; // by host
  prefer: 'host' | 'record'; // init trusts the host; status compares against the record
  keygenOn: ReadonlySet<string>; // hosts allowed a new key pair (init's targets)
}

export interface KeyResolution {
  keys: Map<string, string>; // host → base64 public key
  keygen: string[]; // reachable hosts without a private key
  problems: TincFileError[]; // a host's own key file is damaged or gone while its private key exists
  changed: string[]; // hosts whose key differs from the record (rekeyed, reinstalled)
}

export function resolveKeys(inp: KeyInputs): KeyResolution {
  const out: KeyResolution = { keys: new Map(), keygen: [], problems: [], changed: [] };
  for (const m of inp.spec.members) {
    const state = inp.states.get(m.host);
    const recorded = inp.record.get(m.host)?.publicKey;
    if (state && state.keyMode === undefined) {
      // No private key: any public key around is stale. Only a new pair helps.
      if (inp.keygenOn.has(m.host)) {
        out.keygen.push(m.host);
      } else if (recorded !== undefined && inp.prefer === 'record') {
        out.keys.set(m.host, recorded);
      }
      continue;
    }
    const own = state ? ownKey(inp.paths, m, state, recorded !== undefined) : undefined;
    if (own instanceof TincFileError) {
      out.problems.push(own);
    }
    const fromHost = typeof own === 'string' ? own : undefined;
    const key = inp.prefer === 'host' ? (fromHost ?? recorded) : (recorded ?? fromHost);
    if (key !== undefined) {
      out.keys.set(m.host, key);
    }
    if (fromHost !== undefined && recorded !== undefined && fromHost !== recorded) {
      out.changed.push(m.host);
    }
  }
  return out;
}

/** The key in the host's own hosts/NAME; an error when it is damaged, or absent with no record to fall back on. */
function ownKey(
  paths: TincPaths,
  m: MeshMember,
  state: NodeState,
  hasRecord: boolean,
): string | TincFileError | undefined {
  const file = `${paths.confDir}/hosts/${m.name}`;
  const own = state.files.get(`hosts/${m.name}`);
  if (own !== undefined) {
    try {
      const key = parseHostFile(own.text).publicKey;
      if (key !== undefined) {
        return key;
      }
    } catch (e) {
      if (!(e instanceof TincParseError)) {
        throw e;
      }
      return new TincFileError(file, e.detail, {
        host: m.host,
        line: e.line,
        hint: `fix it, or delete it: Salvo then restores it from the record (if any) on the next salvo tinc init`,
      });
    }
  }
  if (hasRecord) {
    return undefined;
  }
  return new TincFileError(
    file,
    `${own ? 'has no public key' : 'is missing'}, but ${paths.confDir}/rsa_key.priv exists`,
    {
      host: m.host,
      hint: `restore the host file, or delete rsa_key.priv on ${m.host} so salvo tinc init generates a new pair`,
    },
  );
}
