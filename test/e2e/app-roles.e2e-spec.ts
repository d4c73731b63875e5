import { addItem, checkout } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { ledgerOf, newStockedVariant, stockOf } from '../support/inventory.factory';
import { eventually } from '../support/wait';
import { createIsolatedDatabase, IsolatedDatabase } from '../support/test-database';
import { expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

describe('APP_ROLE', () => {
  let database: IsolatedDatabase;
  let api: TestApp;
  let worker: TestApp | undefined;
  // A database and a queue of their own: the apps of other test files sweep and expire
  // what they find in theirs, and would take this test's work.
  let shared: Record<string, string>;

  beforeAll(async () => {
    database = await createIsolatedDatabase('roles');
    shared = {
      ...database.env,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:roles`,
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '1',
    };
    api = await startTestApp({ ...shared, APP_ROLE: 'api' });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await database?.drop();
  });

  it('an api process serves the API and enqueues the expiry, which only a worker process runs', async () => {
    const variant = await newStockedVariant(api, { onHand: 5 });
    const customer = newCustomer(api);
    await addItem(api, customer, variant.id, 2).expect(201);
    const reservation = await checkout(api, customer).expect(201);

    // Past its expiry, and still holding: nothing in an api process releases it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await stockOf(api, variant.id)).toMatchObject({ onHand: 5, reserved: 2 });

    worker = await startTestApp({ ...shared, APP_ROLE: 'worker' });
    await eventually(async () => expect(await stockOf(api, variant.id)).toMatchObject({ onHand: 5, reserved: 0 }));
    const expiries = (await ledgerOf(api, variant.id)).filter((row) => row.reason === 'EXPIRE');
    expect(expiries).toEqual([expect.objectContaining({ reservationId: reservation.body.id, reservedDelta: -2 })]);
  });

  it('a worker process answers its probes and metrics, and 404 problem+json for the API', async () => {
    worker ??= await startTestApp({ ...shared, APP_ROLE: 'worker' });

    await worker.http.get('/health').expect(200);
    await worker.http.get('/health/ready').expect(200);
    await worker.http.get('/metrics').expect(200);
    for (const path of ['/api/products', '/api/cart', '/docs', '/docs-json']) {
      const response = await worker.http.get(path).set('authorization', worker.admin);
      expectProblem(response, 404, 'NOT_FOUND');
      expect(response.body.detail).toMatch(/APP_ROLE=worker/);
    }
  });
});
