import { JwtService } from '@nestjs/jwt';
import { createProduct } from '../support/catalog.factory';
import { startTestApp, TestApp, unique } from '../support/test-app';
import { expectProblem, PROBLEM_JSON } from '../support/problem';

const CATEGORIES = '/api/products/categories';
const ONE_MIB = 1024 * 1024;

interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string; format?: string } }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type OpenApiDocument = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
};

const EXPECTED_OPERATION_IDS = [
  'createCategory',
  'listCategories',
  'getCategory',
  'updateCategory',
  'deleteCategory',
  'createProduct',
  'listProducts',
  'getProduct',
  'updateProduct',
  'deleteProduct',
  'createVariant',
  'listVariants',
  'getVariant',
  'updateVariant',
  'deleteVariant',
  'getStock',
  'setStock',
  'adjustStock',
  'listStockMovements',
  'auditStock',
  'getReservation',
  'confirmReservation',
  'cancelReservation',
  'createPricingRule',
  'listPricingRules',
  'getPricingRule',
  'updatePricingRule',
  'deletePricingRule',
  'quotePrice',
  'quotePrices',
  'getCart',
  'addCartItem',
  'updateCartItem',
  'removeCartItem',
  'checkoutCart',
  'checkLiveness',
  'checkReadiness',
  'createQueueBoardSession',
];
/** Operations for any valid token, acting on the caller's own resources. */
const CUSTOMER_OPERATION_IDS = [
  'getReservation',
  'cancelReservation',
  'getCart',
  'addCartItem',
  'updateCartItem',
  'removeCartItem',
  'checkoutCart',
];
const ADMIN_OPERATION_IDS = [
  ...EXPECTED_OPERATION_IDS.filter((id) => /^(create|update|delete)/.test(id) && !CUSTOMER_OPERATION_IDS.includes(id)),
  'setStock',
  'adjustStock',
  'listStockMovements',
  'auditStock',
  'confirmReservation',
  'listPricingRules',
  'getPricingRule',
];
/** The tag of each /api path prefix: one tag per module. */
const MODULE_TAGS: [prefix: string, tag: string][] = [
  ['/api/products', 'products'],
  ['/api/inventory', 'inventory'],
  ['/api/reservations', 'inventory'],
  ['/api/pricing', 'pricing'],
  ['/api/cart', 'cart'],
  ['/api/admin', 'operations'],
];
/**
 * The answers each cart operation documents: the success status with its schema (null: no
 * body), and every error status as problem+json, so generated clients are typed end to end.
 */
const CART_RESPONSES: Record<
  string,
  { success: [status: string, schema: string | null]; errors: string[]; replay?: [status: string, schema: string] }
> = {
  getCart: { success: ['200', 'CartDto'], errors: ['401'] },
  addCartItem: { success: ['201', 'CartItemDto'], errors: ['400', '401', '404', '409', '422'] },
  updateCartItem: { success: ['200', 'CartItemDto'], errors: ['400', '401', '404', '409'] },
  removeCartItem: { success: ['204', null], errors: ['400', '401', '404'] },
  // 200: a checkout repeated without a key answers the reservation the last one still holds.
  checkoutCart: {
    success: ['201', 'CheckoutDto'],
    errors: ['400', '401', '409', '422'],
    replay: ['200', 'CheckoutDto'],
  },
};
const IDEMPOTENT_OPERATION_IDS = ['addCartItem', 'checkoutCart'];
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function appSecret(): string {
  const secret = process.env.JWT_SECRET;
  if (!secret) throw new Error('JWT_SECRET is not set: the e2e global setup should have set it');
  return secret;
}

const nowInSeconds = () => Math.floor(Date.now() / 1000);

describe('HTTP conventions', () => {
  let t: TestApp;
  let openApi: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp();
    openApi = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
  });

  const createCategoryWith = (authorization?: string) => {
    const request = t.http.post(CATEGORIES);
    if (authorization !== undefined) void request.set('authorization', authorization);
    return request.send({ name: unique('Auth') });
  };

  function operations(): { path: string; method: string; operation: OpenApiOperation }[] {
    return Object.entries(openApi.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, operation]) => ({ path, method, operation })),
    );
  }

  /** A request for the operation, its path parameters filled with well-formed values of their type. */
  function requestFor(path: string, method: string, operation: OpenApiOperation) {
    const url = path.replace(/\{(\w+)\}/g, (_match, name: string) => {
      const parameter = operation.parameters?.find((candidate) => candidate.in === 'path' && candidate.name === name);
      return parameter?.schema?.format === 'uuid' ? UNKNOWN_UUID : '1';
    });
    const agent = t.http as unknown as Record<string, (url: string) => ReturnType<TestApp['http']['get']>>;
    return agent[method](url);
  }

  const isPublic = (operation: OpenApiOperation) =>
    !ADMIN_OPERATION_IDS.includes(operation.operationId ?? '') &&
    !CUSTOMER_OPERATION_IDS.includes(operation.operationId ?? '');

  describe('authentication', () => {
    it('accepts an HS256 token with an expiry signed with the app secret (control for the cases below)', async () => {
      const token = new JwtService().sign(
        { sub: 'staff-1', roles: ['admin'] },
        { secret: appSecret(), algorithm: 'HS256', expiresIn: 60 },
      );

      const response = await createCategoryWith(`Bearer ${token}`);

      expect(response.status).toBe(201);
    });

    it('rejects an admin route without an Authorization header', async () => {
      const response = await createCategoryWith();

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects a bearer value that is not a token', async () => {
      const response = await createCategoryWith('Bearer garbage');

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects a scheme other than Bearer', async () => {
      const response = await createCategoryWith(`Basic ${Buffer.from('admin:admin').toString('base64')}`);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects a token signed with another secret', async () => {
      const token = new JwtService({ secret: 'other-secret-of-at-least-32-chars!!' }).sign(
        { sub: 'x', roles: ['admin'] },
        { expiresIn: 60 },
      );

      const response = await createCategoryWith(`Bearer ${token}`);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects an expired token', async () => {
      const token = new JwtService({ secret: appSecret() }).sign({
        sub: 'x',
        roles: ['admin'],
        iat: nowInSeconds() - 120,
        exp: nowInSeconds() - 60,
      });

      const response = await createCategoryWith(`Bearer ${token}`);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects an unsigned token (alg none)', async () => {
      const header = base64url({ alg: 'none', typ: 'JWT' });
      const payload = base64url({ sub: 'x', roles: ['admin'], exp: nowInSeconds() + 60 });

      const response = await createCategoryWith(`Bearer ${header}.${payload}.`);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects an HS512 token even with the right secret', async () => {
      const token = new JwtService().sign(
        { sub: 'x', roles: ['admin'] },
        { secret: appSecret(), algorithm: 'HS512', expiresIn: 60 },
      );

      const response = await createCategoryWith(`Bearer ${token}`);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('rejects a token without an expiry', async () => {
      const token = new JwtService().sign({ sub: 'x', roles: ['admin'] }, { secret: appSecret(), algorithm: 'HS256' });

      const response = await createCategoryWith(`Bearer ${token}`);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('forbids a customer token on an admin route', async () => {
      const response = await createCategoryWith(t.customer());

      expectProblem(response, 403, 'FORBIDDEN');
    });

    it('answers 401 problem+json to every admin and customer operation called without a token', async () => {
      const secured = operations().filter(({ operation }) => !isPublic(operation));
      const answers = await Promise.all(
        secured.map(async ({ path, method, operation }) => {
          const response = await requestFor(path, method, operation);
          return {
            operation: operation.operationId,
            status: response.status,
            type: response.headers['content-type'],
            code: response.body.code,
          };
        }),
      );

      expect(secured).toHaveLength(ADMIN_OPERATION_IDS.length + CUSTOMER_OPERATION_IDS.length);
      expect(answers.filter((answer) => answer.status !== 401 || answer.code !== 'UNAUTHENTICATED')).toEqual([]);
      expect(answers.every((answer) => String(answer.type).includes(PROBLEM_JSON))).toBe(true);
    });

    it('forbids a customer token on every admin operation', async () => {
      const admin = operations().filter(({ operation }) => ADMIN_OPERATION_IDS.includes(operation.operationId ?? ''));
      const customer = t.customer(unique('customer'));
      const answers = await Promise.all(
        admin.map(async ({ path, method, operation }) => {
          const response = await requestFor(path, method, operation).set('authorization', customer);
          return { operation: operation.operationId, status: response.status, code: response.body.code };
        }),
      );

      expect(answers).toHaveLength(ADMIN_OPERATION_IDS.length);
      expect(answers.filter((answer) => answer.status !== 403 || answer.code !== 'FORBIDDEN')).toEqual([]);
    });

    it('serves the cart to a customer token (a customer operation is not admin-only)', async () => {
      const response = await t.http.get('/api/cart').set('authorization', t.customer(unique('customer')));

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: null, items: [] });
    });

    it('serves a public read without a token', async () => {
      const response = await t.http.get('/api/products');

      expect(response.status).toBe(200);
      expect(response.body.items).toEqual(expect.any(Array));
    });

    it('serves a public read even with a garbage token', async () => {
      const response = await t.http.get('/api/products').set('authorization', 'Bearer garbage');

      expect(response.status).toBe(200);
      expect(response.body.items).toEqual(expect.any(Array));
    });
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
      const productId = await createProduct(t);

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

  describe('OpenAPI document', () => {
    it('names every operation with the expected operationIds', () => {
      const ids = operations().map(({ operation }) => operation.operationId);

      expect([...ids].sort()).toEqual([...EXPECTED_OPERATION_IDS].sort());
    });

    it('has no operationId derived from a controller name', () => {
      const ids = operations().map(({ operation }) => operation.operationId ?? '');

      expect(ids.filter((id) => id.includes('Controller_'))).toEqual([]);
    });

    it("tags every /api operation with its module's tag", () => {
      const tagOf = (path: string) => MODULE_TAGS.find(([prefix]) => path.startsWith(prefix))?.[1];
      const untagged = operations()
        .filter(({ path, operation }) => path.startsWith('/api') && (operation.tags ?? []).join() !== tagOf(path))
        .map(({ method, path }) => `${method} ${path}`);

      expect(operations().some(({ path }) => path.startsWith('/api'))).toBe(true);
      expect(untagged).toEqual([]);
    });

    it('documents a problem+json 4xx answer for every /api operation', () => {
      const undocumented = operations()
        .filter(({ path }) => path.startsWith('/api'))
        .filter(
          ({ operation }) =>
            !Object.entries(operation.responses).some(
              ([status, response]) => /^4\d\d$/.test(status) && response.content?.[PROBLEM_JSON] !== undefined,
            ),
        )
        .map(({ method, path }) => `${method} ${path}`);

      expect(undocumented).toEqual([]);
    });

    it('declares bearer security on every admin operation', () => {
      const schemes = openApi.components?.securitySchemes ?? {};
      const bearerNames = Object.entries(schemes)
        .filter(([, scheme]) => scheme.type === 'http' && scheme.scheme === 'bearer')
        .map(([name]) => name);
      const admin = operations().filter(({ operation }) => ADMIN_OPERATION_IDS.includes(operation.operationId ?? ''));

      expect(bearerNames.length).toBeGreaterThan(0);
      expect(admin).toHaveLength(ADMIN_OPERATION_IDS.length);
      for (const { operation } of admin) {
        expect(operation.security ?? []).toEqual(
          expect.arrayContaining([expect.objectContaining({ [bearerNames[0]]: expect.any(Array) })]),
        );
      }
    });

    it('declares bearer security and a 401 problem, but no 403, on every customer operation', () => {
      const customer = operations().filter(({ operation }) =>
        CUSTOMER_OPERATION_IDS.includes(operation.operationId ?? ''),
      );

      expect(customer.map(({ operation }) => operation.operationId).sort()).toEqual([...CUSTOMER_OPERATION_IDS].sort());
      for (const { operation } of customer) {
        expect(operation.security).toEqual([{ bearer: expect.any(Array) }]);
        expect(operation.responses['401']?.content?.[PROBLEM_JSON]).toBeDefined();
        expect(operation.responses['403']).toBeUndefined();
      }
    });

    it('declares no security on every public operation', () => {
      const open = operations().filter(({ operation }) => isPublic(operation));

      expect(open.length).toBe(
        EXPECTED_OPERATION_IDS.length - ADMIN_OPERATION_IDS.length - CUSTOMER_OPERATION_IDS.length,
      );
      for (const { operation } of open) {
        expect(operation.security).toEqual([]);
        expect(operation.responses['401']).toBeUndefined();
      }
    });

    it.each(Object.entries(CART_RESPONSES))(
      'documents the success schema and every problem of %s',
      (operationId, { success, errors, replay }) => {
        const found = operations().find(({ operation }) => operation.operationId === operationId);
        const responses = found?.operation.responses ?? {};
        const [status, schema] = success;

        expect(found?.path.startsWith('/api/cart')).toBe(true);
        if (schema === null) {
          expect(responses[status]).toBeDefined();
          expect(responses[status].content).toBeUndefined();
        } else {
          expect(responses[status]?.content?.['application/json']?.schema?.$ref).toBe(`#/components/schemas/${schema}`);
        }
        for (const error of errors) {
          expect(responses[error]?.content?.[PROBLEM_JSON]?.schema?.$ref).toBe('#/components/schemas/ProblemDto');
        }
        if (replay) {
          const [replayStatus, replaySchema] = replay;
          expect(responses[replayStatus]?.content?.['application/json']?.schema?.$ref).toBe(
            `#/components/schemas/${replaySchema}`,
          );
        }
        const successes = Object.keys(responses).filter((code) => /^2\d\d$/.test(code));
        expect(successes.sort()).toEqual([status, ...(replay ? [replay[0]] : [])].sort());
      },
    );

    it('documents the optional Idempotency-Key header on the idempotent cart operations only', () => {
      const withKey = operations()
        .filter(({ operation }) =>
          (operation.parameters ?? []).some(
            (parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key',
          ),
        )
        .map(({ operation }) => operation.operationId);

      expect(withKey.sort()).toEqual([...IDEMPOTENT_OPERATION_IDS].sort());
      for (const { operation } of operations().filter(({ operation }) =>
        IDEMPOTENT_OPERATION_IDS.includes(operation.operationId ?? ''),
      )) {
        const header = operation.parameters?.find((parameter) => parameter.name === 'Idempotency-Key');
        expect(header?.required).not.toBe(true);
      }
    });

    it('documents 401 and 403 problems on every admin operation', () => {
      const admin = operations().filter(({ operation }) => ADMIN_OPERATION_IDS.includes(operation.operationId ?? ''));

      for (const { operation } of admin) {
        expect(operation.responses['401']?.content?.[PROBLEM_JSON]).toBeDefined();
        expect(operation.responses['403']?.content?.[PROBLEM_JSON]).toBeDefined();
      }
    });

    it('serves Swagger UI as HTML', async () => {
      const response = await t.http.get('/docs');

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.text).toContain('swagger');
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
