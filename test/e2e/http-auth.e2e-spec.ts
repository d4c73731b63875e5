import { JwtService } from '@nestjs/jwt';
import {
  ADMIN_OPERATION_IDS,
  CUSTOMER_OPERATION_IDS,
  isPublic,
  OpenApiDocument,
  operationsOf,
  requestFor,
} from '../support/openapi';
import { startTestApp, TestApp, unique } from '../support/test-app';
import { expectProblem, PROBLEM_JSON } from '../support/problem';

const CATEGORIES = '/api/products/categories';

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
      const secured = operationsOf(openApi).filter(({ operation }) => !isPublic(operation));
      const answers = await Promise.all(
        secured.map(async ({ path, method, operation }) => {
          const response = await requestFor(t, path, method, operation);
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
      const admin = operationsOf(openApi).filter(({ operation }) =>
        ADMIN_OPERATION_IDS.includes(operation.operationId ?? ''),
      );
      const customer = t.customer(unique('customer'));
      const answers = await Promise.all(
        admin.map(async ({ path, method, operation }) => {
          const response = await requestFor(t, path, method, operation).set('authorization', customer);
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
});
