/** The result of handing one message to a provider. Error codes never carry an address or a text. */
export type SendOutcome =
  | { ok: true; providerRef: string }
  | { ok: false; retryable: boolean; errorCode: string };

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our delivery id, sent as a header so a bounce can be matched without the address. */
  ref: string;
}

/** The e-mail port: SMTP today (nodemailer), any API provider later. */
export interface EmailSender {
  readonly provider: string;
  send(msg: OutgoingEmail): Promise<SendOutcome>;
  close?(): void;
}
