// Where tinc lives on a host. The pid file is always given explicitly (--pidfile), to the same
// path tincd -n NET would use by default, so Salvo and a stock init script agree on it; every
// stop and reload goes through it (never `tincd -k` or a kill by name).

export interface TincPaths {
  confDir: string; // /etc/tinc/NET
  pidFile: string; // /run/tinc.NET.pid
  logFile: string; // /var/log/tinc.NET.log (no syslog in the lab)
}

export function tincPaths(netname: string): TincPaths {
  return {
    confDir: `/etc/tinc/${netname}`,
    pidFile: `/run/tinc.${netname}.pid`,
    logFile: `/var/log/tinc.${netname}.log`,
  };
}
