import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_UUID } from '../support/ids';
import { moveExpiry, newTwoLineReservation, reservationRequests, snapshotsOf } from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { queuePrefix, startIsolatedTestApp, TestApp, unique } from '../support/test-app';

const MAX_HOLD_SECONDS = 900;
const TTL_SECONDS = 300;
/** How far an expiry computed by PostgreSQL may sit from the test's own clock reading. */
const CLOCK_SLACK_MS = 2000;

const ms = (iso: string) => Date.parse(iso);

/**
 * The route's contract: the answer to an extension, a missing or empty body (the default
 * TTL), validation, who may call it (401, 404 to another customer), and the 409 problems.
 * The rules behind it (counting, the event, the cap, the states that cannot be extended)
 * are proven on the inventory module in test/medium/reservation-extend-rules.
 */
describe('POST /api/reservations/:id/extend', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A database of its own: the audit after each test then answers for this file's reservations only.
    t = await startIsolatedTestApp('reservation-extend', {
      QUEUE_PREFIX: queuePrefix('reservation-extend'),
      RESERVATION_SWEEP_SECONDS: '3600',
      RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
      RESERVATION_MAX_HOLD_SECONDS: String(MAX_HOLD_SECONDS),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    const audit = await t.http.get('/api/inventory/audit').set('authorization', t.admin);
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual({ consistent: true, drift: [], stuck: [] });
  });

  const { getReservation, confirm } = reservationRequests(() => t);

  /** POST …/extend with the body (none for undefined) and the Authorization header (none for null). */
  const extend = (id: string, authorization: string | null, body?: unknown) => {
    const request = t.http.post(`/api/reservations/${id}/extend`);
    if (authorization) request.set('authorization', authorization);
    return body === undefined ? request : request.send(body as object);
  };

  /** Asserts that `iso` lies `seconds` after the moments the test read before and after the request. */
  const expectAbout = (iso: string, from: number, to: number, seconds: number) => {
    expect(ms(iso)).toBeGreaterThanOrEqual(from + seconds * 1000 - CLOCK_SLACK_MS);
    expect(ms(iso)).toBeLessThanOrEqual(to + seconds * 1000 + CLOCK_SLACK_MS);
  };

  it("moves the owner's hold to now + seconds, counts the extension, and leaves the stock alone", async () => {
    const owner = newCustomer(t);
    const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
    const before = await snapshotsOf(t, first, second);

    const from = Date.now();
    const response = await extend(reservation.id, owner.auth, { seconds: 600 });
    const to = Date.now();

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: reservation.id, status: 'ACTIVE', extendedCount: 1, closedAt: null });
    expectAbout(response.body.expiresAt, from, to, 600);
    expect(ms(response.body.expiresAt)).toBeGreaterThan(reservation.expiresAt.getTime());
    expect(ms(response.body.maxExpiresAt) - ms(response.body.createdAt)).toBe(MAX_HOLD_SECONDS * 1000);
    expect(response.body.createdAt).toBe(reservation.createdAt.toISOString());
    expect(response.body.items).toHaveLength(2);
    expect(response.body.total).toBe('45.50');
    expect(await snapshotsOf(t, first, second)).toEqual(before);
  });

  it('applies RESERVATION_TTL_SECONDS when the request has no body', async () => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);
    await moveExpiry(t, reservation.id, 10_000);

    const from = Date.now();
    const response = await extend(reservation.id, owner.auth);
    const to = Date.now();

    expect(response.status).toBe(200);
    expect(response.body.extendedCount).toBe(1);
    expectAbout(response.body.expiresAt, from, to, TTL_SECONDS);
  });

  it('applies RESERVATION_TTL_SECONDS to an empty object', async () => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);
    await moveExpiry(t, reservation.id, 10_000);

    const from = Date.now();
    const response = await extend(reservation.id, owner.auth, {});
    const to = Date.now();

    expect(response.status).toBe(200);
    expect(response.body.extendedCount).toBe(1);
    expectAbout(response.body.expiresAt, from, to, TTL_SECONDS);
  });

  it('answers 409 HOLD_LIMIT_REACHED with maxExpiresAt once the hold is at its cap', async () => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);
    const capped = await extend(reservation.id, owner.auth, { seconds: 86_400 }).expect(200);

    const response = await extend(reservation.id, owner.auth, { seconds: 60 });

    expectProblem(response, 409, 'HOLD_LIMIT_REACHED');
    expect(response.body.maxExpiresAt).toBe(capped.body.maxExpiresAt);
    expect(capped.body.expiresAt).toBe(reservation.maxExpiresAt.toISOString());
  });

  it('answers 404 NOT_FOUND to another customer, and leaves the hold as it was', async () => {
    const { first, second, reservation } = await newTwoLineReservation(t, unique('customer'));
    const before = await snapshotsOf(t, first, second);

    const response = await extend(reservation.id, newCustomer(t).auth, { seconds: 600 });

    expectProblem(response, 404, 'NOT_FOUND');
    const read = await getReservation(reservation.id, t.admin).expect(200);
    expect(read.body).toMatchObject({ expiresAt: reservation.expiresAt.toISOString(), extendedCount: 0 });
    expect(await snapshotsOf(t, first, second)).toEqual(before);
  });

  it('answers 404 NOT_FOUND for an unknown id and 400 VALIDATION_FAILED for a non-UUID id', async () => {
    const customer = newCustomer(t);

    expectProblem(await extend(UNKNOWN_UUID, customer.auth, { seconds: 60 }), 404, 'NOT_FOUND');
    const malformed = await extend('not-a-uuid', customer.auth, { seconds: 60 });
    expectProblem(malformed, 400, 'VALIDATION_FAILED');
    expectFieldError(malformed, 'id');
  });

  it('answers 401 UNAUTHENTICATED without a token, and leaves the hold as it was', async () => {
    const { reservation } = await newTwoLineReservation(t, unique('customer'));

    const response = await extend(reservation.id, null, { seconds: 600 });

    expectProblem(response, 401, 'UNAUTHENTICATED');
    const read = await getReservation(reservation.id, t.admin).expect(200);
    expect(read.body).toMatchObject({ expiresAt: reservation.expiresAt.toISOString(), extendedCount: 0 });
  });

  it.each([
    ['zero seconds', { seconds: 0 }, 'seconds'],
    ['negative seconds', { seconds: -1 }, 'seconds'],
    ['a fraction of a second', { seconds: 1.5 }, 'seconds'],
    ['seconds as a string', { seconds: '60' }, 'seconds'],
    ['more than a day', { seconds: 86_401 }, 'seconds'],
    ['an unknown field', { seconds: 60, until: '2099-01-01T00:00:00.000Z' }, 'until'],
  ])('answers 400 VALIDATION_FAILED for %s, and leaves the hold as it was', async (_case, body, field) => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);

    const response = await extend(reservation.id, owner.auth, body);

    expectProblem(response, 400, 'VALIDATION_FAILED');
    expectFieldError(response, field);
    const read = await getReservation(reservation.id, owner.auth).expect(200);
    expect(read.body).toMatchObject({ expiresAt: reservation.expiresAt.toISOString(), extendedCount: 0 });
  });

  it('answers 409 RESERVATION_NOT_ACTIVE for a confirmed reservation, and moves no stock', async () => {
    const owner = newCustomer(t);
    const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
    await confirm(reservation.id).expect(200);
    const before = await snapshotsOf(t, first, second);

    const response = await extend(reservation.id, owner.auth, { seconds: 600 });

    expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
    expect(await snapshotsOf(t, first, second)).toEqual(before);
    const read = await getReservation(reservation.id, owner.auth).expect(200);
    expect(read.body).toMatchObject({ status: 'CONFIRMED', extendedCount: 0 });
  });
});
