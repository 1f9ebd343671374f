import { createTransport, type NodemailerError } from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /**
   * Deterministic, e.g. `<notification-id@guichet.local>` (angle brackets are
   * added when missing): a retried send carries the same Message-ID, so
   * mail clients and relays can recognise the duplicate.
   */
  messageId: string;
  attachments?: MailAttachment[];
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465` (TLS from the start). */
  smtpUrl: string;
  /** `"Mairie de Saint-Étienne" <ne-pas-repondre@example.fr>` */
  from: string;
}

/**
 * A send that failed. `retry: false` when the server refused the message for
 * good (a 5xx reply, such as an unknown recipient); connection failures, 4xx
 * replies and authentication problems (an operator can fix those) are worth
 * retrying. The message names the SMTP code or the error code only, never an
 * address.
 */
export class MailSendError extends Error {
  readonly retry: boolean;
  readonly code?: string;
  readonly responseCode?: number;

  constructor(message: string, details: { retry: boolean; code?: string; responseCode?: number }) {
    super(message);
    this.name = 'MailSendError';
    this.retry = details.retry;
    if (details.code !== undefined) this.code = details.code;
    if (details.responseCode !== undefined) this.responseCode = details.responseCode;
  }
}

const TEN_SECONDS = 10_000;

/** Sends notifications through one pooled SMTP transport; one instance per process. */
export class Mailer {
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly from: string;

  constructor(options: MailerOptions) {
    const protocol = safeProtocol(options.smtpUrl);
    if (protocol !== 'smtp:' && protocol !== 'smtps:')
      throw new Error('Mailer: smtpUrl must start with smtp:// or smtps://');
    this.from = options.from;
    this.transport = createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: 3,
      connectionTimeout: TEN_SECONDS,
      greetingTimeout: TEN_SECONDS,
      dnsTimeout: TEN_SECONDS,
      // Longer than the others: after the last byte of a large message, a relay may scan it before answering.
      socketTimeout: 30_000,
      // Close idle pooled connections before the socket timeout would, so an idle close is never an error.
      idleTimeout: 20_000,
      // Attachments are buffers we built; nothing may make nodemailer read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (/[\r\n]/.test(mail.messageId) || /[\r\n]/.test(mail.to))
      throw new MailSendError('invalid header value', { retry: false, code: 'EMESSAGE' });
    try {
      await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId.startsWith('<') ? mail.messageId : `<${mail.messageId}>`,
        // RFC 3834: tells autoresponders (holiday replies) not to answer a notification.
        headers: { 'Auto-Submitted': 'auto-generated' },
        textEncoding: 'quoted-printable',
        attachments: mail.attachments?.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      });
    } catch (error) {
      throw toMailSendError(error);
    }
  }

  /** Connects and says hello (and authenticates), for a readiness check or a clear error at boot. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw toMailSendError(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

function safeProtocol(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}

function toMailSendError(error: unknown): MailSendError {
  const e = (error ?? {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const authProblem = code === 'EAUTH' || code === 'ENOAUTH';
  const badEnvelope = code === 'EENVELOPE' && responseCode === undefined;
  const retry = authProblem || !(e.permanent === true || badEnvelope);
  const what = responseCode !== undefined ? `SMTP ${responseCode}` : (code ?? 'unknown error');
  return new MailSendError(`mail not sent: ${what}${code && responseCode !== undefined ? ` (${code})` : ''}`, {
    retry,
    ...(code !== undefined ? { code } : {}),
    ...(responseCode !== undefined ? { responseCode } : {}),
  });
}
