import { connect, Socket } from 'node:net';
import { ListeningTestApp, startListeningTestApp } from '../support/api-client';
import { newProduct } from '../support/catalog.factory';
import { expectFieldError, expectProblem, PROBLEM_JSON } from '../support/problem';
import { startTestApp, TestApp, unique } from '../support/test-app';

const CATEGORIES = '/api/products/categories';
const VARIANTS = '/api/products/variants';
const QUOTES = '/api/pricing/quotes';
const CART_ITEMS = '/api/cart/items';

/** `depth` arrays or objects nested in one another, as JSON text. */
function nested(kind: 'arrays' | 'objects', depth: number): string {
  return kind === 'arrays' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** An object with `count` distinct keys, as JSON text (about 9 bytes a key). */
function manyKeys(count: number): string {
  return `{${Array.from({ length: count }, (_, i) => `"${i.toString(36)}":0`).join(',')}}`;
}

/** A key written with its first character as a JSON \u escape: the same key once parsed. */
const escaped = (key: string) => `\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}`;

const RESERVED_KEYS = ['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

describe('Hostile input', () => {
  let t: TestApp;
  let productId: number;

  beforeAll(async () => {
    t = await startTestApp();
    productId = await newProduct(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const postJson = (path: string, json: string, authorization = t.admin) =>
    t.http.post(path).set('authorization', authorization).set('content-type', 'application/json').send(json);

  describe('oversized bodies', () => {
    it('refuses a quote of 34,000 lines at the route body limit, and /health is answered meanwhile', async () => {
      const items = Array.from({ length: 34_000 }, (_, i) => ({ variantId: (i % 9) + 1, quantity: 1 }));
      const body = JSON.stringify({ items });

      const [health, ...quotes] = await Promise.all([
        t.http.get('/health'),
        ...Array.from({ length: 4 }, () => t.http.post(QUOTES).set('content-type', 'application/json').send(body)),
      ]);

      expect(body.length).toBeLessThan(1024 * 1024);
      for (const quote of quotes) expectProblem(quote, 413, 'PAYLOAD_TOO_LARGE');
      expect(health.status).toBe(200);
    });

    it('refuses an object of 100,000 keys on a write route, and /health is answered meanwhile', async () => {
      const body = `{"name":"x","junk":${manyKeys(100_000)}}`;

      const [health, response] = await Promise.all([t.http.get('/health'), postJson(CATEGORIES, body)]);

      expect(body.length).toBeLessThan(1024 * 1024);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.detail).toContain('no more than 1000 values');
      expect(health.status).toBe(200);
    });

    it('refuses an unknown field holding 100,000 empty objects', async () => {
      const body = `{"name":"x","junk":[${Array(100_000).fill('{}').join(',')}]}`;

      const response = await postJson(CATEGORIES, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('refuses a quote under the body limit but with far more lines than allowed', async () => {
      const items = Array.from({ length: 400 }, () => ({ variantId: 1, quantity: 1 }));

      const response = await t.http.post(QUOTES).send({ items });

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('still answers the line limit of a quote by name', async () => {
      const items = Array.from({ length: 101 }, () => ({ variantId: 1, quantity: 1 }));

      const response = await t.http.post(QUOTES).send({ items });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'items');
    });
  });

  describe('deep nesting', () => {
    const routes: [string, string, () => string | undefined][] = [
      ['POST /api/products/categories', CATEGORIES, () => t.admin],
      ['POST /api/products/variants', VARIANTS, () => t.admin],
      ['POST /api/cart/items', CART_ITEMS, () => t.customer(unique('deep'))],
    ];

    describe.each(routes)('%s', (_label, path, authorization) => {
      it.each([
        ['arrays', 5_000],
        ['objects', 5_000],
        ['arrays', 100_000],
        ['objects', 100_000],
      ] as const)('refuses %s nested %p deep in a field with 400', async (kind, depth) => {
        const response = await postJson(path, `{"name":"x","junk":${nested(kind, depth)}}`, authorization());

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(response.body.detail).toContain('deeper than 32 levels');
      });

      it('refuses a body that is itself nested 100,000 arrays deep', async () => {
        const response = await postJson(path, nested('arrays', 100_000), authorization());

        expectProblem(response, 400, 'VALIDATION_FAILED');
      });
    });

    it.each(['arrays', 'objects'] as const)('refuses %s nested 5,000 deep in a public quote with 400', async (kind) => {
      const response = await t.http
        .post(QUOTES)
        .set('content-type', 'application/json')
        .send(`{"items":[{"variantId":1,"quantity":${nested(kind, 5_000)}}]}`);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('refuses a quote nested 100,000 deep at its body limit', async () => {
      const response = await t.http
        .post(QUOTES)
        .set('content-type', 'application/json')
        .send(nested('objects', 100_000));

      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('accepts nesting up to the limit where the shape is otherwise valid JSON (control)', async () => {
      const response = await postJson(CATEGORIES, `{"name":"x","junk":${nested('arrays', 31)}}`);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: 'junk', message: 'property junk should not exist' }]);
    });

    it('reads brackets inside strings as text, not as nesting', async () => {
      const name = unique('Brackets') + ' ' + '[{'.repeat(100);

      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .send({ name: name.slice(0, 120) });

      expect(response.status).toBe(201);
    });
  });

  describe('variant attribute keys that name JavaScript object members', () => {
    it.each(RESERVED_KEYS.flatMap((key) => [[key, `"${key}"`] as const, [key, `"${escaped(key)}"`] as const]))(
      'refuses %s (written %s) with 400 naming the field',
      async (key, written) => {
        const sku = unique('KEY').toUpperCase();
        const body = `{"productId":${productId},"sku":"${sku}","attributes":{${written}:"x","color":"red"}}`;

        const response = await postJson(VARIANTS, body);

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(response.body.errors).toEqual([{ field: `attributes.${key}`, message: expect.stringContaining(key) }]);
      },
    );

    it('refuses a reserved key at the top level of a body too, instead of ignoring it', async () => {
      const response = await postJson(CATEGORIES, `{"name":"${unique('Top')}","constructor":"x"}`);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'constructor');
    });

    it('keeps every other key exactly, including look-alikes of reserved names', async () => {
      const attributes = { Constructor: 'a', to_string: 'b', 'proto ': 'c', color: 'red', größe: 'M' };

      const created = await t.http
        .post(VARIANTS)
        .set('authorization', t.admin)
        .send({ productId, sku: unique('KEEP').toUpperCase(), attributes });
      const read = await t.http.get(`${VARIANTS}/${created.body.id}`);

      expect(created.status).toBe(201);
      expect(created.body.attributes).toEqual(attributes);
      expect(read.body.attributes).toEqual(attributes);
    });
  });

  describe('errors of Fastify plugins', () => {
    it.each([
      '/docs/../package.json',
      '/docs/%2e%2e/x',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs/%00',
      '/docs/a%00b',
    ])('answers %s with a 4xx problem and serves no file', async (path) => {
      const response = await t.http.get(path);

      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers['content-type']).toContain(PROBLEM_JSON);
      expect(response.text).not.toContain('"dependencies"');
    });

    it('answers an empty JSON body with a validation problem', async () => {
      const response = await postJson(CATEGORIES, '');

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('accepts a body that starts with a byte order mark', async () => {
      const response = await postJson(CATEGORIES, `\ufeff{"name":"${unique('Bom')}"}`);

      expect(response.status).toBe(201);
    });
  });
});

describe('Slow and malformed clients', () => {
  let t: ListeningTestApp;

  beforeAll(async () => {
    t = await startListeningTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000' });
  });

  afterAll(async () => {
    await t.close();
  });

  /**
   * Opens a connection, writes `head`, then one byte every 200 ms; resolves with what the
   * server sent once it closes the connection, or with null if it is still open after
   * `patienceMs` (far beyond the configured timeout).
   */
  function trickle(head: string, patienceMs = 15_000): Promise<string | null> {
    const { port } = new URL(t.baseUrl);
    return new Promise((resolve) => {
      const socket: Socket = connect(Number(port), '127.0.0.1');
      let received = '';
      const drip = setInterval(() => socket.writable && socket.write('1'), 200);
      const patience = setTimeout(() => finish(null), patienceMs);
      function finish(result: string | null) {
        clearInterval(drip);
        clearTimeout(patience);
        socket.destroy();
        resolve(result);
      }
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => finish(received));
      socket.on('error', () => undefined);
      socket.write(head);
    });
  }

  it('answers 408 and closes the connection when the body arrives too slowly', async () => {
    const head =
      `POST ${QUOTES} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\n\r\n{"items":[';

    const answer = await trickle(head);

    expect(answer).not.toBeNull();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain(PROBLEM_JSON);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(answer).toMatch(/X-Request-Id: [0-9a-f-]{36}/);
  });

  it('answers 408 and closes the connection when the headers arrive too slowly', async () => {
    const answer = await trickle(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);

    expect(answer).not.toBeNull();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers a request that is not HTTP with a 400 problem and closes the connection', async () => {
    const answer = await trickle('NOT HTTP AT ALL\r\n\r\n');

    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"VALIDATION_FAILED"');
  });

  it('still serves a request sent at once (control)', async () => {
    const response = await fetch(`${t.baseUrl}/health`);

    expect(response.status).toBe(200);
  });
});
