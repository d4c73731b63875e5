import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { Webhook } from 'standardwebhooks';
import { Env } from '../shared/config';
import { perTargetConcurrency } from './delivery-schedule';

/** What one POST to a receiver came to: its status, or why there was none. */
export type SendOutcome = { ok: boolean; statusCode: number | null; error: string | null };

export interface SignedMessage {
  /** `webhook-id`: the event's id, the same on every retry, for receivers to drop duplicates. */
  id: string;
  /** The JSON body, exactly as signed. */
  body: string;
}

const USER_AGENT = 'commerce-webhooks/1';

/**
 * Sends signed webhook requests by the Standard Webhooks specification (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`). Each request has
 * WEBHOOK_TIMEOUT_MS for all of it; redirects are not followed (a 3xx is a failure), and,
 * unless WEBHOOKS_ALLOW_PRIVATE is set, the connection is refused when the host resolves
 * to a loopback, private or link-local address.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly timeoutMs: number;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(config: ConfigService<Env, true>) {
    this.timeoutMs = config.get('WEBHOOK_TIMEOUT_MS', { infer: true });
    const allowPrivateIPAddress = config.get('WEBHOOKS_ALLOW_PRIVATE', { infer: true });
    // As many connections to one receiver as the relay may have sends in flight to it.
    const maxSockets = perTargetConcurrency(config.get('OUTBOX_RELAY_CONCURRENCY', { infer: true }));
    const options = { keepAlive: true, maxSockets, allowPrivateIPAddress };
    this.httpAgent = new RequestFilteringHttpAgent(options);
    this.httpsAgent = new RequestFilteringHttpsAgent(options);
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async send(url: string, secret: string, message: SignedMessage): Promise<SendOutcome> {
    const timestamp = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(message.id, timestamp, message.body),
    };
    try {
      const statusCode = await this.post(url, headers, message.body);
      const ok = statusCode >= 200 && statusCode < 300;
      return { ok, statusCode, error: ok ? null : `The receiver answered ${statusCode}` };
    } catch (error) {
      return { ok: false, statusCode: null, error: describeFailure(error, this.timeoutMs) };
    }
  }

  private post(url: string, headers: Record<string, string>, body: string): Promise<number> {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    return new Promise<number>((resolve, reject) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => {
          // Only the status counts; the body is read and dropped so the socket can be reused.
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  // Read by shape: errors raised inside Node's http module may come from another realm (test runners).
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError') return `No answer within ${timeoutMs} ms`;
  return `Could not reach the receiver: ${typeof message === 'string' ? message : String(error)}`;
}
