import { execFile } from 'node:child_process';
import { connect, Socket } from 'node:net';
import { LINGER_MAX_BYTES, LINGER_MAX_MS } from '../../src/shared/http';
import { ListeningTestApp, startListeningTestApp } from '../support/api-client';
import { cartOf, pricedVariant } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { PROBLEM_JSON } from '../support/problem';

const CART_ITEMS = '/api/cart/items';
const FIVE_MB = 5 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 2_000;

/** A cart line padded to about `bytes` bytes: only its size makes it wrong. */
const paddedLine = (bytes: number) => JSON.stringify({ variantId: 1, quantity: 1, note: 'x'.repeat(bytes) });

/** What a raw connection saw: the bytes answered, and when and how it ended. */
interface RawExchange {
  answer: string;
  /** Milliseconds from the first byte of the answer to the close (null: no answer). */
  closedAfterAnswerMs: number | null;
  written: number;
  error?: string;
}

/**
 * A client on a bare socket that keeps its side open after the server's FIN, as a client
 * still busy writing does. `send` writes the request; the promise settles when the
 * connection closes, or with what was seen after `patienceMs`.
 */
function rawExchange(
  baseUrl: string,
  send: (socket: Socket, progress: { written: number; answered: boolean }) => void,
  patienceMs = 20_000,
): Promise<RawExchange & { timedOut: boolean }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    const progress = { written: 0, answered: false };
    let answer = '';
    let answeredAt = 0;
    let error: string | undefined;
    const patience = setTimeout(() => finish(true), patienceMs);
    function finish(timedOut: boolean) {
      clearTimeout(patience);
      socket.destroy();
      const closedAfterAnswerMs = answeredAt === 0 ? null : Date.now() - answeredAt;
      resolve({ answer, closedAfterAnswerMs, written: progress.written, error, timedOut });
    }
    socket.on('data', (chunk) => {
      if (answeredAt === 0) answeredAt = Date.now();
      progress.answered = true;
      answer += chunk.toString();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => finish(false));
    socket.on('connect', () => send(socket, progress));
  });
}

/** The JSON body of an HTTP answer read off a raw socket. */
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string };

describe('Refused requests are answered before the connection closes (lingering close)', () => {
  let t: ListeningTestApp;

  beforeAll(async () => {
    t = await startListeningTestApp({
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers fetch sending 5 MB with its length declared with a readable 413 problem', async () => {
    const response = await fetch(`${t.baseUrl}${CART_ITEMS}`, {
      method: 'POST',
      headers: { authorization: t.customer(), 'content-type': 'application/json' },
      body: paddedLine(FIVE_MB),
      signal: AbortSignal.timeout(15_000),
    });

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain(PROBLEM_JSON);
    expect(((await response.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers fetch streaming 5 MB without a declared length with a readable 413 problem', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from('{"variantId":1,"quantity":1,"note":"'));
        for (let sent = 0; sent < FIVE_MB; sent += chunk.length) controller.enqueue(chunk);
        controller.enqueue(Buffer.from('"}'));
        controller.close();
      },
    });

    const response = await fetch(`${t.baseUrl}${CART_ITEMS}`, {
      method: 'POST',
      headers: { authorization: t.customer(), 'content-type': 'application/json' },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a client declaring 1 GiB that writes 5 MB before it reads, then closes when the client does', async () => {
    const seen = await rawExchange(t.baseUrl, (socket) => {
      socket.write(
        `POST ${CART_ITEMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${t.customer()}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${1024 ** 3}\r\n\r\n`,
      );
      // Every write must be taken before the client reads or stops: nothing may fail with EPIPE.
      socket.write(Buffer.alloc(FIVE_MB, 'x'), () => socket.end());
    });

    expect(seen.error).toBeUndefined();
    expect(seen.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(seen.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(seen.answer).toContain(PROBLEM_JSON);
    expect(bodyOf(seen.answer).code).toBe('PAYLOAD_TOO_LARGE');
    expect(seen.timedOut).toBe(false);
  });

  it('cuts off a client that keeps sending a huge declared body once it sent more than the byte bound', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const seen = await rawExchange(t.baseUrl, (socket, progress) => {
      socket.write(
        `POST ${CART_ITEMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${t.customer()}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${1024 ** 3}\r\n\r\n`,
      );
      const pour = () => {
        while (!socket.destroyed && progress.written < 1024 ** 3) {
          progress.written += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pour);
        }
      };
      pour();
    });

    expect(seen.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(seen.timedOut).toBe(false);
    // Cut at the byte bound, not the time bound; what the client wrote past it sits in buffers.
    expect(seen.closedAfterAnswerMs).toBeLessThan(LINGER_MAX_MS);
    expect(seen.written).toBeGreaterThan(LINGER_MAX_BYTES);
    expect(seen.written).toBeLessThan(4 * LINGER_MAX_BYTES);
  });

  it('answers a trickling body with 408, then cuts it off at the time bound though it still trickles', async () => {
    const seen = await rawExchange(t.baseUrl, (socket) => {
      socket.write(
        `POST ${CART_ITEMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${t.customer()}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"note":"',
      );
      const drip = setInterval(() => (socket.writable ? socket.write('x') : clearInterval(drip)), 200);
      socket.once('close', () => clearInterval(drip));
    });

    expect(seen.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(seen.answer).toContain(PROBLEM_JSON);
    expect(bodyOf(seen.answer).code).toBe('REQUEST_TIMEOUT');
    expect(seen.timedOut).toBe(false);
    expect(seen.closedAfterAnswerMs).toBeGreaterThanOrEqual(LINGER_MAX_MS - 100);
    expect(seen.closedAfterAnswerMs).toBeLessThan(LINGER_MAX_MS + 1_500);
  });

  it('never serves a request answered 408 whose body arrives in full while the connection lingers', async () => {
    const variant = await pricedVariant(t, 10);
    const customer = newCustomer(t);
    const body = JSON.stringify({ variantId: variant.id, quantity: 1 });

    const seen = await rawExchange(t.baseUrl, (socket, progress) => {
      socket.write(
        `POST ${CART_ITEMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${customer.auth}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, -1)}`,
      );
      // The last byte only once the 408 is in: the body is then whole, but too late. The
      // connection stays open a second more, ample time for a served add to commit.
      const wait = setInterval(() => {
        if (!progress.answered) return;
        clearInterval(wait);
        socket.write(body.slice(-1));
        setTimeout(() => socket.end(), 1_000);
      }, 50);
      socket.once('close', () => clearInterval(wait));
    });

    expect(seen.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(seen.timedOut).toBe(false);
    expect((await cartOf(t, customer)).items).toEqual([]);
  });

  it("answers Python's urllib sending 5 MB with a 413 it can read", async () => {
    const script = [
      'import sys, json, urllib.request, urllib.error',
      'request = urllib.request.Request(sys.argv[1], data=b"x" * (5 * 1024 * 1024), method="POST",',
      '    headers={"Content-Type": "application/json", "Authorization": sys.argv[2]})',
      'try:',
      '    urllib.request.urlopen(request, timeout=15)',
      '    print("no error")',
      'except urllib.error.HTTPError as error:',
      '    print(error.code, json.loads(error.read())["code"])',
      'except Exception as error:',
      '    print(type(error).__name__, error)',
    ].join('\n');

    const output = await new Promise<string>((resolve) => {
      execFile('python3', ['-c', script, `${t.baseUrl}${CART_ITEMS}`, t.customer()], { timeout: 20_000 }, (e, out) =>
        resolve(out.trim() || String(e)),
      );
    });

    expect(output).toBe('413 PAYLOAD_TOO_LARGE');
  });
});
