// Alerts: one message per state change, to a command hook (the alert as JSON on its stdin) and/or
// by mail over SMTP (nodemailer; user and password from secrets/<deployment>/smtp.json, never
// from the services file or argv). A failing channel is reported, never thrown.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inventory, MonitorSettings } from '../inventory/types.js';
import type { Alert, StateChange } from './types.js';

export function alertOf(deployment: string, c: StateChange, at: string): Alert {
  const f = c.finding;
  return {
    deployment,
    at,
    key: c.key,
    host: f.host,
    ...(f.unit ? { unit: f.unit } : {}),
    from: c.from ?? 'new',
    to: c.to,
    message: f.message,
    suggestion: suggest(c),
  };
}

function suggest(c: StateChange): string {
  const f = c.finding;
  if (c.to === 'ok') {
    return `salvo monitor history ${f.unit ?? f.host}`;
  }
  if (f.unit && f.service) {
    const restart = `salvo restart ${f.service} -H ${f.host}`;
    return c.to === 'unmonitored'
      ? `salvo logs ${f.service} -H ${f.host}; then ${restart}`
      : `${restart}  (or: salvo logs ${f.service} -H ${f.host})`;
  }
  if (f.check === 'disk' || f.check === 'inodes') {
    const mount = c.key.split(':').slice(1).join(':');
    return `salvo exec ${f.host} -- df -h ${mount}; du -xsh ${mount}/* | sort -h | tail`;
  }
  if (f.check === 'reach') {
    return `salvo exec ${f.host} -- true`;
  }
  if (f.check === 'backup') {
    const series = c.key.slice('backup '.length);
    return `salvo backup list --series ${series}; salvo backup run --series ${series}`;
  }
  if (f.check === 'compactions') {
    return `salvo exec ${f.host} -- nodetool compactionstats`;
  }
  return `salvo exec ${f.host} -- uptime`;
}

export function subjectLine(a: Alert): string {
  return `[salvo ${a.deployment}] ${a.to.toUpperCase()}: ${a.unit ?? a.key}`;
}

export function alertText(a: Alert): string {
  return [
    `${a.key}: ${a.from} → ${a.to} at ${a.at}`,
    '',
    a.message,
    '',
    `Suggested: ${a.suggestion}`,
    '',
  ].join('\n');
}

export interface Delivery {
  sent: string[]; // channels that took it: command, email
  errors: string[];
}

export async function sendAlert(inv: Inventory, m: MonitorSettings, a: Alert): Promise<Delivery> {
  const out: Delivery = { sent: [], errors: [] };
  const jobs: Promise<void>[] = [];
  if (m.alerts.command) {
    jobs.push(
      runHook(m.alerts.command, a, inv.dir).then(
        () => void out.sent.push('command'),
        (e: Error) => void out.errors.push(`command: ${e.message}`),
      ),
    );
  }
  if (m.alerts.email) {
    jobs.push(
      mail(inv, m.alerts.email, a).then(
        () => void out.sent.push('email'),
        (e: Error) => void out.errors.push(`email: ${e.message}`),
      ),
    );
  }
  await Promise.all(jobs);
  return out;
}

const HOOK_TIMEOUT_MS = 30_000;

function runHook(argv: string[], a: Alert, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: {
        ...process.env,
        SALVO_ALERT_KEY: a.key,
        SALVO_ALERT_STATE: a.to,
        SALVO_ALERT_HOST: a.host,
      },
    });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), HOOK_TIMEOUT_MS);
    child.stderr.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-500);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
      } else {
        reject(
          new Error(
            `${argv[0]} ended ${signal ?? `with exit ${code}`}${stderr ? `: ${stderr.trim()}` : ''}`,
          ),
        );
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${JSON.stringify(a)}\n`);
  });
}

interface SmtpSecret {
  user?: string;
  pass?: string;
}

async function smtpSecret(inv: Inventory): Promise<SmtpSecret | undefined> {
  try {
    const text = await readFile(join(inv.dir, 'secrets', inv.deployment, 'smtp.json'), 'utf8');
    return JSON.parse(text) as SmtpSecret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new Error(`secrets/${inv.deployment}/smtp.json: ${(e as Error).message}`);
  }
}

async function mail(
  inv: Inventory,
  email: NonNullable<MonitorSettings['alerts']['email']>,
  a: Alert,
): Promise<void> {
  const { createTransport } = await import('nodemailer');
  const url = new URL(email.smtp);
  const secret = await smtpSecret(inv);
  const transport = createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 25),
    secure: url.protocol === 'smtps:',
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...(secret?.user ? { auth: { user: secret.user, pass: secret.pass ?? '' } } : {}),
  });
  try {
    await transport.sendMail({
      from: email.from,
      to: email.to,
      subject: subjectLine(a),
      text: alertText(a),
    });
  } finally {
    transport.close();
  }
}
