import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { SmtpConfig } from '../notice-config.js';
import type { EmailSender, OutgoingEmail, SendOutcome } from './outcome.js';

const RETRYABLE_NET = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'EDNS', 'ECONNRESET']);

/**
 * E-mail through SMTP (nodemailer). A 4xx reply or a network failure is retried later; a 5xx reply
 * (unknown mailbox, refused) is final. Only the reply code is kept, never the server's text (it often
 * quotes the address).
 */
export function createSmtpSender(cfg: SmtpConfig): EmailSender {
  const options: SMTPTransport.Options = {
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    ...(cfg.user ? { auth: { user: cfg.user, pass: cfg.pass ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  const transport = nodemailer.createTransport(options);
  return {
    provider: 'smtp',
    async send(msg: OutgoingEmail): Promise<SendOutcome> {
      try {
        const info = await transport.sendMail({
          from: cfg.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          headers: { 'X-Custodian-Ref': msg.ref },
        });
        return { ok: true, providerRef: String(info.messageId ?? msg.ref) };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string };
        if (typeof e.responseCode === 'number')
          return { ok: false, retryable: e.responseCode < 500, errorCode: `SMTP_${e.responseCode}` };
        const code = e.code ?? 'SMTP_ERROR';
        return { ok: false, retryable: RETRYABLE_NET.has(code) || code === 'SMTP_ERROR', errorCode: code };
      }
    },
    close() {
      transport.close();
    },
  };
}
