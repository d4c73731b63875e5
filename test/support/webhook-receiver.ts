import { AddressInfo } from 'node:net';
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, as sent. */
export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The parsed body: `{ type, timestamp, data }`. */
  event: { type: string; timestamp: string; data: Record<string, unknown> };
  receivedAt: number;
  /** The status it is answered with. */
  answeredWith: number;
  /** False while its answer is held back (a receiver that is slow on purpose). */
  answered: boolean;
}

/** How to answer the nth request (from 1): a status, optionally after a delay. */
export type Responder = (request: {
  nth: number;
  event: ReceivedWebhook['event'];
}) => number | { status: number; delayMs: number };

/**
 * A real HTTP server on loopback that records every webhook request and answers as told
 * (200 unless a responder says otherwise).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private responder: Responder = () => 200;
  private readonly pending = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => receiver.handle(request, response));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** The requests whose body verifies against `secret` by the Standard Webhooks package; throws on the first that does not. */
  verified(secret: string): ReceivedWebhook[] {
    const webhook = new Webhook(secret);
    for (const request of this.received) webhook.verify(request.body, request.headers);
    return this.received;
  }

  /** The requests answered 2xx: the deliveries that count. */
  accepted(): ReceivedWebhook[] {
    return this.received.filter(
      (request) => request.answered && request.answeredWith >= 200 && request.answeredWith < 300,
    );
  }

  async close(): Promise<void> {
    this.pending.forEach(clearTimeout);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as ReceivedWebhook['event'];
      const answer = this.responder({ nth: this.received.length + 1, event });
      const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const record = { headers, body, event, receivedAt: Date.now(), answeredWith: status, answered: false };
      this.received.push(record);
      const answerNow = () => {
        if (response.destroyed) return;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
        record.answered = true;
      };
      if (delayMs === 0) return answerNow();
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        answerNow();
      }, delayMs);
      this.pending.add(timer);
    });
  }
}
