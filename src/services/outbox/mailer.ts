import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { invalid } from '../../core/errors.ts';

/** One e-mail as the outbox stores it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends one e-mail or throws; `messageId` is stable per outbox row so receivers can drop a repeat. */
export interface Mailer {
  send(message: MailMessage & { messageId: string }): Promise<void>;
  close?(): void;
}

export const defaultMailFrom = 'Hadaf <hadaf@localhost>';

/**
 * An SMTP mailer from a URL: smtp://user:pass@host:port (STARTTLS when the
 * server offers it) or smtps://... (TLS from the start). Query options:
 * `requireTLS=true`, `ignoreTLS=true`, `rejectUnauthorized=false` (a local
 * server with a self-signed certificate).
 */
export function smtpMailer(url: string, from: string = defaultMailFrom): Mailer {
  const options = smtpOptions(url);
  const transport = nodemailer.createTransport(options);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}

export function smtpOptions(url: string): SMTPTransport.Options {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('HADAF_SMTP_URL is not a URL: use smtp://user:pass@host:port.', 'HADAF_SMTP_URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw invalid('HADAF_SMTP_URL must start with smtp:// or smtps://.', 'HADAF_SMTP_URL');
  }
  const secure = parsed.protocol === 'smtps:';
  const flag = (name: string) => parsed.searchParams.get(name) === 'true';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username
      ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }
      : {}),
    requireTLS: flag('requireTLS'),
    ignoreTLS: flag('ignoreTLS'),
    tls: { rejectUnauthorized: parsed.searchParams.get('rejectUnauthorized') !== 'false' },
    // bounded, so a hung server cannot outlast the outbox lease (see deliver.ts)
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  };
}

/** The mailer configured by HADAF_SMTP_URL and HADAF_MAIL_FROM, or undefined when e-mail is off. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer | undefined {
  const url = env.HADAF_SMTP_URL?.trim();
  return url ? smtpMailer(url, env.HADAF_MAIL_FROM?.trim() || defaultMailFrom) : undefined;
}
