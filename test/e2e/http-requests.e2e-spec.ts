import { newProduct } from '../support/catalog.factory';
import { UNKNOWN_UUID } from '../support/ids';
import { startTestApp, TestApp, unique } from '../support/test-app';
import { expectProblem, PROBLEM_JSON } from '../support/problem';

const CATEGORIES = '/api/products/categories';
const ONE_MIB = 1024 * 1024;

describe('HTTP conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('request bodies', () => {
    it('rejects malformed JSON', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .set('content-type', 'application/json')
        .send('{"name": "unterminated');

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('rejects a body that is a JSON array', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .send([{ name: unique('InArray') }]);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('rejects a body that is a JSON string', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .set('content-type', 'application/json')
        .send(JSON.stringify('just a string'));

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('rejects a text/plain body as an unsupported media type', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .set('content-type', 'text/plain')
        .send(JSON.stringify({ name: unique('Plain') }));

      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('rejects a form-encoded body as an unsupported media type', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .set('content-type', 'application/x-www-form-urlencoded')
        .send(`name=${unique('Form')}`);

      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('rejects a body of another media type as unsupported', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .set('content-type', 'application/xml')
        .send('<category><name>x</name></category>');

      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('rejects a NUL character in a body string, naming the field', async () => {
      const response = await t.http.post(CATEGORIES).set('authorization', t.admin).send({ name: 'a\u0000b' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: 'name', message: expect.stringContaining('NUL') }]);
    });

    it('rejects a NUL character nested in an object', async () => {
      const productId = await newProduct(t);

      const response = await t.http
        .post('/api/products/variants')
        .set('authorization', t.admin)
        .send({ productId, sku: unique('NUL'), attributes: { colour: 'black\u0000' } });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors[0].field).toBe('attributes.colour');
    });

    it('rejects a NUL character in a query value', async () => {
      const response = await t.http.get('/api/products').query({ search: 'a\u0000' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('rejects a body over 1 MiB', async () => {
      const response = await t.http
        .post(CATEGORIES)
        .set('authorization', t.admin)
        .send({ name: unique('Huge'), description: 'x'.repeat(ONE_MIB) });

      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('routing', () => {
    it('answers an unknown route with a NOT_FOUND problem', async () => {
      const response = await t.http.get('/api/no-such-thing');

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers a malformed URL encoding with a VALIDATION_FAILED problem', async () => {
      const response = await t.http.get('/api/products/categories/%FF');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
    });

    it('accepts a trailing slash', async () => {
      const response = await t.http.get('/api/products/');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ items: expect.any(Array), limit: 20, offset: 0 });
    });

    it.each(['/api/products/categories', '/api/products/variants'])(
      'routes %s to its list, not to a product id',
      async (path) => {
        const response = await t.http.get(path);

        expect(response.status).toBe(200);
        expect(response.body).toEqual({ items: expect.any(Array), total: expect.any(Number), limit: 20, offset: 0 });
      },
    );
  });

  describe('problem details', () => {
    it.each([
      ['an unknown route', '/api/no-such-thing', () => t.http.get('/api/no-such-thing')],
      ['a bad path id', '/api/products/abc', () => t.http.get('/api/products/abc')],
      ['a bad query value', '/api/products', () => t.http.get('/api/products?limit=0')],
      ['a missing token', CATEGORIES, () => t.http.post(CATEGORIES).send({ name: 'x' })],
      ['a missing resource', '/api/products/2147483647', () => t.http.get('/api/products/2147483647')],
      ['a missing token on the cart', '/api/cart', () => t.http.get('/api/cart')],
      [
        'a bad cart item id',
        '/api/cart/items/abc',
        () => t.http.patch('/api/cart/items/abc').set('authorization', t.customer()).send({ quantity: 1 }),
      ],
      [
        'a missing cart item',
        `/api/cart/items/${UNKNOWN_UUID}`,
        () => t.http.delete(`/api/cart/items/${UNKNOWN_UUID}`).set('authorization', t.customer(unique('customer'))),
      ],
    ])('answers %s with every problem member and the request id header', async (_label, instance, send) => {
      const response = await send();

      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers['content-type']).toContain(PROBLEM_JSON);
      expect(response.body).toEqual(
        expect.objectContaining({
          type: expect.stringMatching(/^urn:problem-type:/),
          title: expect.any(String),
          status: response.status,
          detail: expect.any(String),
          code: expect.any(String),
          instance,
          requestId: expect.any(String),
        }),
      );
      expect(response.body.requestId).not.toBe('');
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
    });

    it('lists the failing fields of a validation problem', async () => {
      const response = await t.http.post(CATEGORIES).set('authorization', t.admin).send({ name: '', extra: 1 });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'name', message: expect.any(String) },
          { field: 'extra', message: expect.any(String) },
        ]),
      );
    });

    it('echoes a well-formed incoming X-Request-Id', async () => {
      const requestId = `trace-${Date.now()}.abc:1`;

      const response = await t.http.get('/api/no-such-thing').set('x-request-id', requestId);

      expect(response.headers['x-request-id']).toBe(requestId);
      expect(response.body.requestId).toBe(requestId);
    });

    it('echoes a well-formed incoming X-Request-Id on a success too', async () => {
      const requestId = `ok-${Date.now()}`;

      const response = await t.http.get('/api/products').set('x-request-id', requestId).expect(200);

      expect(response.headers['x-request-id']).toBe(requestId);
    });

    it('replaces a malformed incoming X-Request-Id', async () => {
      const requestId = 'bad id with spaces <script>';

      const response = await t.http.get('/api/no-such-thing').set('x-request-id', requestId);

      expect(response.headers['x-request-id']).not.toBe(requestId);
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
    });
  });

  describe('security headers', () => {
    it.each([
      ['an API answer', '/api/products', 200],
      ['a problem answer', '/api/no-such-route', 404],
      ['the Swagger UI page', '/docs', 200],
    ])('sends the helmet headers and the CSP on %s', async (_what, path, status) => {
      const response = await t.http.get(path).expect(status);

      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain(`default-src 'self'`);
      expect(csp).toContain(`script-src 'self'`);
      expect(csp).toContain(`style-src 'self' 'unsafe-inline'`);
      expect(csp).toContain(`img-src 'self' data:`);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('CORS', () => {
    it('sends no CORS headers unless origins are configured', async () => {
      const response = await t.http.get('/api/products').set('origin', 'https://shop.example');

      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a preflight from a configured origin and ignores others', async () => {
      const withCors = await startTestApp({ CORS_ORIGINS: 'https://shop.example' });
      try {
        const allowed = await withCors.http
          .options('/api/products/categories')
          .set('origin', 'https://shop.example')
          .set('access-control-request-method', 'POST')
          .set('access-control-request-headers', 'authorization,content-type');
        const refused = await withCors.http.get('/api/products').set('origin', 'https://evil.example');

        expect(allowed.status).toBe(204);
        expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
        expect(allowed.headers['access-control-allow-methods']).toContain('POST');
        expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await withCors.close();
      }
    });
  });
});
