import { UNKNOWN_UUID } from '../support/ids';
import { expectFieldError, expectProblem } from '../support/problem';
import { startQuietTestApp, TestApp } from '../support/test-app';

/** The subscription routes, on the default settings: private addresses refused. */
describe('webhook subscriptions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('webhooks-admin');
  });

  afterAll(async () => {
    await t?.close();
  });

  const create = (body: unknown, authorization: string = t.admin) =>
    t.http
      .post('/api/webhooks')
      .set('authorization', authorization)
      .send(body as object);
  // A public address: nothing is sent at creation, so no network is needed.
  const PUBLIC_URL = 'https://93.184.215.14/hooks/commerce';

  it('creates a subscription and shows its secret once, in the Standard Webhooks form', async () => {
    const response = await create({
      url: PUBLIC_URL,
      events: ['reservation.created', 'stock.out'],
      description: ' ERP ',
    });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: expect.any(String),
      url: PUBLIC_URL,
      events: ['reservation.created', 'stock.out'],
      description: 'ERP',
      active: true,
      disabledReason: null,
    });
    expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = await t.http.get(`/api/webhooks/${response.body.id}`).set('authorization', t.admin).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    const list = await t.http.get('/api/webhooks?limit=100').set('authorization', t.admin).expect(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(response.body.id);
    expect(list.body.items.every((item: object) => !('secret' in item))).toBe(true);
  });

  it('changes events, description and the active flag, and deletes', async () => {
    const { body: created } = await create({ url: PUBLIC_URL, events: ['stock.low'] }).expect(201);

    const patched = await t.http
      .patch(`/api/webhooks/${created.id}`)
      .set('authorization', t.admin)
      .send({ events: ['stock.low', 'stock.back_in_stock'], active: false, description: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      events: ['stock.low', 'stock.back_in_stock'],
      active: false,
      description: null,
    });

    await t.http.delete(`/api/webhooks/${created.id}`).set('authorization', t.admin).expect(204);
    expectProblem(await t.http.get(`/api/webhooks/${created.id}`).set('authorization', t.admin), 404, 'NOT_FOUND');
    expectProblem(await t.http.delete(`/api/webhooks/${created.id}`).set('authorization', t.admin), 404, 'NOT_FOUND');
  });

  it.each([
    ['http://127.0.0.1:8080/hooks', 'loopback'],
    ['http://[::1]/hooks', 'loopback'],
    ['http://localhost/hooks', 'this machine'],
    ['http://10.1.2.3/hooks', 'private'],
    ['http://192.168.0.10/hooks', 'private'],
    ['http://172.16.5.4/hooks', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://[fe80::1]/hooks', 'link-local'],
    ['http://[fd00::1]/hooks', 'private'],
    ['http://[::ffff:127.0.0.1]/hooks', 'loopback'],
    ['http://0.0.0.0/hooks', 'non-public'],
    ['ftp://93.184.215.14/hooks', 'http or https'],
    ['https://user:pass@93.184.215.14/hooks', 'credentials'],
    ['not a url', 'absolute URL'],
  ])('refuses %s with 422 WEBHOOK_URL_REFUSED (%s)', async (url, reason) => {
    const response = await create({ url, events: ['stock.out'] });

    expectProblem(response, 422, 'WEBHOOK_URL_REFUSED');
    expectFieldError(response, 'url');
    expect(response.body.detail).toContain(reason);
  });

  it('refuses a private URL on PATCH too, and keeps the old one', async () => {
    const { body: created } = await create({ url: PUBLIC_URL, events: ['stock.out'] }).expect(201);

    const response = await t.http
      .patch(`/api/webhooks/${created.id}`)
      .set('authorization', t.admin)
      .send({ url: 'http://10.0.0.7/hooks' });

    expectProblem(response, 422, 'WEBHOOK_URL_REFUSED');
    const read = await t.http.get(`/api/webhooks/${created.id}`).set('authorization', t.admin).expect(200);
    expect(read.body.url).toBe(PUBLIC_URL);
  });

  it.each([
    ['no events', { url: PUBLIC_URL }, 'events'],
    ['an empty list of events', { url: PUBLIC_URL, events: [] }, 'events'],
    ['an unknown event type', { url: PUBLIC_URL, events: ['stock.exploded'] }, 'events'],
    ['an event type twice', { url: PUBLIC_URL, events: ['stock.out', 'stock.out'] }, 'events'],
    ['a flag that is not a boolean', { url: PUBLIC_URL, events: ['stock.out'], active: 'yes' }, 'active'],
    ['a secret of its own', { url: PUBLIC_URL, events: ['stock.out'], secret: 'whsec_mine' }, 'secret'],
    ['a URL that is not a string', { url: 42, events: ['stock.out'] }, 'url'],
    ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2050)}`, events: ['stock.out'] }, 'url'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, body, field) => {
    const response = await create(body);

    expectProblem(response, 400, 'VALIDATION_FAILED');
    expectFieldError(response, field);
  });

  it('is for admins only', async () => {
    expectProblem(await create({ url: PUBLIC_URL, events: ['stock.out'] }, t.customer('mallory')), 403, 'FORBIDDEN');
    expectProblem(await t.http.get('/api/webhooks'), 401, 'UNAUTHENTICATED');
  });

  it('answers 404 for unknown subscriptions and deliveries, and 400 for ids that are not UUIDs', async () => {
    expectProblem(
      await t.http.get(`/api/webhooks/${UNKNOWN_UUID}/deliveries`).set('authorization', t.admin),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await t.http.post(`/api/webhooks/${UNKNOWN_UUID}/test`).set('authorization', t.admin),
      404,
      'NOT_FOUND',
    );
    const { body: created } = await create({ url: PUBLIC_URL, events: ['stock.out'] }).expect(201);
    expectProblem(
      await t.http.post(`/api/webhooks/${created.id}/deliveries/${UNKNOWN_UUID}/retry`).set('authorization', t.admin),
      404,
      'NOT_FOUND',
    );
    const bad = await t.http.post(`/api/webhooks/${created.id}/deliveries/nope/retry`).set('authorization', t.admin);
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expectFieldError(bad, 'deliveryId');
    expectProblem(await t.http.get('/api/webhooks/nope').set('authorization', t.admin), 400, 'VALIDATION_FAILED');
    expectProblem(
      await t.http.get(`/api/webhooks/${created.id}/deliveries?status=LOST`).set('authorization', t.admin),
      400,
      'VALIDATION_FAILED',
    );
  });
});
