import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  /** True when the signature verified with the secret known at the time. */
  verified: boolean;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** The status the receiver answered. */
  answered: number;
}

/**
 * A webhook receiver over real HTTP that verifies Standard Webhooks
 * signatures the way an integrator would, and can fail on purpose.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secret?: string;
  /** Answers 500 to the first `n` deliveries of each webhook-id. */
  failFirst = 0;
  private server?: Server;
  private readonly seen = new Map<string, number>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = {
          'webhook-id': String(req.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
        };
        let verified = false;
        try {
          if (this.secret) {
            new Webhook(this.secret).verify(raw, headers);
            verified = true;
          }
        } catch {
          verified = false;
        }
        const attempt = (this.seen.get(headers['webhook-id']) ?? 0) + 1;
        this.seen.set(headers['webhook-id'], attempt);
        const answered = attempt <= this.failFirst ? 500 : 204;
        this.received.push({
          id: headers['webhook-id'],
          timestamp: headers['webhook-timestamp'],
          verified,
          body: JSON.parse(raw) as ReceivedWebhook['body'],
          answered,
        });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}/hooks/guichet`;
  }

  /** Deliveries that succeeded, one per webhook-id (a repeat would show twice). */
  accepted(): ReceivedWebhook[] {
    return this.received.filter((r) => r.answered < 300);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
