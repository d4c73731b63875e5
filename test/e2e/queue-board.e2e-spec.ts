import { expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

const BOARD = '/admin/queues';
const BOARD_API = `${BOARD}/api/queues`;
const SESSION = '/api/admin/queue-board/session';

describe('the queue board at /admin/queues', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(() => t?.close());

  it.each([BOARD, BOARD_API, `${BOARD}/static/js/none.js`])(
    'refuses an anonymous caller of %s with 401',
    async (path) => {
      const response = await t.http.get(path);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(response.body.detail).toContain(SESSION);
    },
  );

  it('refuses another spelling of the path too', async () => {
    const response = await t.http.get('/admin/%71ueues');

    expect(response.status).not.toBe(200);
  });

  it('refuses a customer with 403', async () => {
    expectProblem(await t.http.get(BOARD).set('authorization', t.customer()), 403, 'FORBIDDEN');
    expectProblem(await t.http.get(BOARD_API).set('authorization', t.customer()), 403, 'FORBIDDEN');
  });

  it('refuses a bad or expired token with 401', async () => {
    expectProblem(await t.http.get(BOARD).set('authorization', 'Bearer a.b.c'), 401, 'UNAUTHENTICATED');
    expectProblem(await t.http.get(BOARD).set('cookie', 'commerce_queue_board=a.b.c'), 401, 'UNAUTHENTICATED');
  });

  it('serves an admin the board, the expiry queue read-only', async () => {
    const page = await t.http.get(BOARD).set('authorization', t.admin).expect(200);
    const api = await t.http.get(BOARD_API).set('authorization', t.admin).expect(200);

    expect(page.headers['content-type']).toContain('text/html');
    const queues = (api.body.queues as { name: string; readOnlyMode: boolean }[]).map(({ name, readOnlyMode }) => ({
      name,
      readOnlyMode,
    }));
    expect(queues).toEqual(
      expect.arrayContaining([
        { name: 'reservations', readOnlyMode: true },
        { name: 'outbox', readOnlyMode: false },
        { name: 'idempotency', readOnlyMode: false },
      ]),
    );
  });

  it('gives an admin browser a short-lived session cookie for the board only', async () => {
    const session = await t.http.post(SESSION).set('authorization', t.admin).expect(204);
    const cookie = String(session.headers['set-cookie']);

    expect(cookie).toMatch(/^commerce_queue_board=[\w-]+\.[\w-]+\.[\w-]+; /);
    expect(cookie).toContain(`Path=${BOARD}`);
    expect(cookie).toContain('Max-Age=900');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const pair = cookie.split(';')[0];
    await t.http.get(BOARD).set('cookie', `other=1; ${pair}`).expect(200);
    // The cookie opens the board, not the API.
    expectProblem(await t.http.get('/api/inventory/audit').set('cookie', pair), 401, 'UNAUTHENTICATED');
  });

  it('gives no session to a customer or an anonymous caller', async () => {
    expectProblem(await t.http.post(SESSION).set('authorization', t.customer()), 403, 'FORBIDDEN');
    expectProblem(await t.http.post(SESSION), 401, 'UNAUTHENTICATED');
  });
});
