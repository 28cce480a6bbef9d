// tinc.conf: the node's own name, which peers it dials (ConnectTo), its tun interface, routing
// mode and address family. Rendered from the services file; parsed back for drift reports.
import { TincParseError } from '../errors.js';
import { parseConfigText, renderEntries, single, valuesOf } from './config-text.js';
import { isTincName } from './names.js';

export interface TincConf {
  name: string;
  connectTo: string[]; // tinc names, in order
  interface?: string;
  addressFamily?: string; // ipv4 | ipv6 | any
  mode?: string; // router | switch | hub
  extra: { key: string; value: string }[];
}

const KNOWN = new Set(['name', 'connectto', 'interface', 'addressfamily', 'mode']);
const HEADER =
  '# Written by salvo tinc from the services file (tinc.connect_to). `salvo tinc init` rewrites it.\n';

export function renderTincConf(c: TincConf): string {
  const opt = (key: string, value: string | undefined): { key: string; value: string }[] =>
    value === undefined ? [] : [{ key, value }];
  return (
    HEADER +
    renderEntries([
      { key: 'Name', value: c.name },
      ...opt('Interface', c.interface),
      ...opt('AddressFamily', c.addressFamily),
      ...opt('Mode', c.mode),
      ...c.extra,
      ...c.connectTo.map((value) => ({ key: 'ConnectTo', value })),
    ])
  );
}

export function parseTincConf(text: string): TincConf {
  const { entries, pem } = parseConfigText(text);
  if (pem.length > 0) {
    throw new TincParseError(pem[0]!.line, 'a key block in tinc.conf (it belongs in hosts/NAME)');
  }
  const name = single(entries, 'Name');
  if (!name) {
    throw new TincParseError(undefined, 'no Name line');
  }
  const connectTo = valuesOf(entries, 'ConnectTo');
  for (const e of [name, ...connectTo]) {
    if (!isTincName(e.value)) {
      throw new TincParseError(
        e.line,
        `${JSON.stringify(e.value)} is not a tinc name (letters, digits, _)`,
      );
    }
  }
  const c: TincConf = {
    name: name.value,
    connectTo: connectTo.map((e) => e.value),
    extra: entries
      .filter((e) => !KNOWN.has(e.key.toLowerCase()))
      .map(({ key, value }) => ({ key, value })),
  };
  const iface = single(entries, 'Interface');
  const family = single(entries, 'AddressFamily');
  const mode = single(entries, 'Mode');
  if (iface) {
    c.interface = iface.value;
  }
  if (family) {
    c.addressFamily = family.value;
  }
  if (mode) {
    c.mode = mode.value;
  }
  return c;
}
