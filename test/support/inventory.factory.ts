import { randomUUID } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InventoryJobsModule, InventoryModule, InventoryService, ReservationView } from '../../src/inventory';
import type { ReserveLine } from '../../src/inventory/reservations/reserve-lines';
import { StockService } from '../../src/inventory/stock/stock.service';
import { Money } from '../../src/shared/money';
import { newVariant } from './catalog.factory';
import { LedgerRow, ledgerRowsOf, reservationStatusOf } from './rows';
import { ADMIN_SUB, Harness, TestApp, unique } from './test-app';

/**
 * The inventory module with its expiry processor and sweep, as a worker process runs it:
 * what startModuleContext compiles for tests whose reservations expire on their own.
 */
export const INVENTORY_WITH_JOBS = [InventoryModule, InventoryJobsModule];

export interface StockedVariant {
  id: number;
  sku: string;
}

/**
 * A new catalog variant with `onHand` units, written straight into the database as the
 * admin's count would write it: the stock row and, for units, one COUNT movement.
 */
export async function newStockedVariant(
  t: Pick<Harness, 'dataSource'>,
  { onHand, ...variant }: { onHand: number } & Parameters<typeof newVariant>[1],
): Promise<StockedVariant> {
  const created = await newVariant(t, variant);
  await t.dataSource.transaction(async (tx) => {
    await tx.query('INSERT INTO stock_levels (variant_id, on_hand) VALUES ($1, $2)', [created.id, onHand]);
    if (onHand === 0) return;
    await tx.query(
      `INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, actor)
       VALUES ($1, 'COUNT', $2, 0, $2, 0, $3)`,
      [created.id, onHand, ADMIN_SUB],
    );
  });
  return created;
}

export async function setStock(t: TestApp, variantId: number, onHand: number): Promise<void> {
  await t.http.put(`/api/inventory/${variantId}`).set('authorization', t.admin).send({ onHand }).expect(200);
}

export interface StockCounters {
  variantId: number;
  onHand: number;
  reserved: number;
  available: number;
}

/** The counters of a variant's stock over the API (the state, limits and version left out). */
export async function stockOf(t: TestApp, variantId: number): Promise<StockCounters> {
  const { body } = await t.http.get(`/api/inventory/${variantId}`).expect(200);
  return { variantId: body.variantId, onHand: body.onHand, reserved: body.reserved, available: body.available };
}

/** GET /api/inventory/:variantId: the whole stock answer with its ETag. From the table instead: stockRowOf. */
export async function fetchStockLevel(t: TestApp, variantId: number) {
  const response = await t.http.get(`/api/inventory/${variantId}`).expect(200);
  return { ...(response.body as StockCounters & { state: string; version: number }), etag: response.headers.etag };
}

/** A reservation line of `quantity` units at 10.00 each. */
export function line(variant: StockedVariant, quantity: number, unitPrice = '10.00'): ReserveLine {
  return { variantId: variant.id, sku: variant.sku, quantity, unitPrice: Money.parse(unitPrice) };
}

/** Reserves through the inventory facade in a transaction of its own, as the cart's checkout will. */
export function reserve(
  t: Pick<Harness, 'dataSource' | 'get'>,
  ownerId: string,
  lines: ReserveLine[],
  ownerRef?: string,
): Promise<ReservationView> {
  const inventory = t.get(InventoryService);
  return t.dataSource.transaction((tx) => inventory.reserve(tx, { ownerId, ownerRef, lines }));
}

/** The drift the audit reports; tests expect it empty after every race. */
export async function auditDrift(t: TestApp): Promise<unknown[]> {
  const response = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
  return response.body.drift;
}

/** The drift the audit finds, asked of the inventory module itself (medium tests have no HTTP). */
export async function stockDrift(t: Pick<Harness, 'get'>): Promise<unknown[]> {
  return (await t.get(StockService).audit()).drift;
}

/**
 * The whole audit asked of the inventory module: drift and stuck reservations, both
 * empty when healthy (what GET /api/inventory/audit answers as `consistent: true`).
 */
export async function stockAudit(t: Pick<Harness, 'get'>): Promise<{ drift: unknown[]; stuck: unknown[] }> {
  const { drift, stuck } = await t.get(StockService).audit();
  return { drift, stuck };
}

/** Stock and ledger of a variant over the API, to show that a refused request changed nothing. */
export async function snapshotOf(t: TestApp, variant: StockedVariant) {
  const { etag } = await fetchStockLevel(t, variant.id);
  return { stock: await stockOf(t, variant.id), etag, ledger: await ledgerOf(t, variant.id) };
}

/** The snapshots of several variants. */
export function snapshotsOf(t: TestApp, ...variants: StockedVariant[]) {
  return Promise.all(variants.map((variant) => snapshotOf(t, variant)));
}

/** Two variants (10 and 5 on hand) and an ACTIVE reservation of 3 and 2 units at 12.50 and 4.00. */
export async function newTwoLineReservation(
  t: Pick<Harness, 'dataSource' | 'get'>,
  ownerId: string,
  ownerRef?: string,
) {
  const first = await newStockedVariant(t, { onHand: 10 });
  const second = await newStockedVariant(t, { onHand: 5 });
  const reservation = await reserve(t, ownerId, [line(second, 2, '4.00'), line(first, 3, '12.50')], ownerRef);
  return { first, second, reservation };
}

/** The request with the Authorization header value, or without the header for null. */
function withAuth<R extends { set(name: string, value: string): R }>(request: R, authorization: string | null): R {
  return authorization ? request.set('authorization', authorization) : request;
}

/** PUT /api/inventory/:variantId, POST its adjustments and GET its movements, as an admin unless told otherwise. */
export function inventoryRequests(app: () => TestApp) {
  return {
    put: (variantId: number | string, body: unknown, authorization: string | null = app().admin) =>
      withAuth(app().http.put(`/api/inventory/${variantId}`), authorization).send(body as object),
    /** With a fresh Idempotency-Key, as a client must send; `adjustWithoutKey` sends none. */
    adjust: (variantId: number | string, body: unknown, authorization: string | null = app().admin) =>
      withAuth(app().http.post(`/api/inventory/${variantId}/adjustments`), authorization)
        .set('idempotency-key', randomUUID())
        .send(body as object),
    adjustWithoutKey: (variantId: number | string, body: unknown, authorization: string | null = app().admin) =>
      withAuth(app().http.post(`/api/inventory/${variantId}/adjustments`), authorization).send(body as object),
    movements: (variantId: number | string, query = '', authorization: string | null = app().admin) =>
      withAuth(app().http.get(`/api/inventory/${variantId}/movements${query}`), authorization),
  };
}

/** GET /api/reservations/:id and POST its confirm and cancel, with an Authorization header (null: none). */
export function reservationRequests(app: () => TestApp) {
  return {
    getReservation: (id: string, authorization: string | null) =>
      withAuth(app().http.get(`/api/reservations/${id}`), authorization),
    confirm: (id: string, authorization: string | null = app().admin) =>
      withAuth(app().http.post(`/api/reservations/${id}/confirm`), authorization),
    cancel: (id: string, authorization: string | null) =>
      withAuth(app().http.post(`/api/reservations/${id}/cancel`), authorization),
  };
}

/** The ledger rows of a variant over the API, oldest first. */
export async function ledgerOf(t: TestApp, variantId: number): Promise<LedgerRow[]> {
  const response = await t.http
    .get(`/api/inventory/${variantId}/movements?limit=100`)
    .set('authorization', t.admin)
    .expect(200);
  return [...response.body.items].reverse();
}

/** Deletes a catalog variant through the admin route; its stock history stays. */
export async function deleteVariant(t: TestApp, variantId: number): Promise<void> {
  await t.http.delete(`/api/products/variants/${variantId}`).set('authorization', t.admin).expect(204);
}

/** Moves a reservation's expiry to `offsetMs` from now (the job, if any, still fires at the old time). */
export async function moveExpiry(t: Pick<Harness, 'dataSource'>, reservationId: string, offsetMs: number) {
  await t.dataSource.query(
    `UPDATE reservations SET expires_at = now() + make_interval(secs => $2::double precision / 1000) WHERE id = $1`,
    [reservationId, offsetMs],
  );
}

/** Moves a reservation's expiry into the past, as if its TTL had run out (the job has not run yet). */
export function makeOverdue(t: Pick<Harness, 'dataSource'>, reservationId: string): Promise<void> {
  return moveExpiry(t, reservationId, -1000);
}

export interface RecordedEvent {
  name: string;
  payload: Record<string, unknown>;
}

/**
 * Records the in-process events of the given names until `stop()` is called. Inventory
 * emits one, `reservation.released`; its other events are outbox rows (see
 * outboxEventsOf). `onEvent` runs synchronously inside the emit, so it can look at the
 * world as the emitter saw it.
 */
export function recordEvents(
  t: Pick<Harness, 'get'>,
  names: readonly string[],
  onEvent?: (event: RecordedEvent) => void,
): { events: RecordedEvent[]; stop(): void } {
  const emitter = t.get(EventEmitter2);
  const events: RecordedEvent[] = [];
  const listeners = names.map((name) => {
    const listener = (payload: Record<string, unknown>) => {
      const event = { name, payload };
      events.push(event);
      onEvent?.(event);
    };
    emitter.on(name, listener);
    return { name, listener };
  });
  return {
    events,
    stop: () => listeners.forEach(({ name, listener }) => emitter.off(name, listener)),
  };
}

/** What a released reservation's event says besides its ids: when it fell due and when its stock came back. */
export const RELEASE_TIMES = { expiresAt: expect.any(Date), closedAt: expect.any(Date) };

/**
 * For a describe block of event tests: `record()` starts a recorder of the in-process
 * `reservation.released` (see recordReleasedEvents), and each test's recorder stops after it.
 */
export function releasedEventRecorder(harness: () => Pick<Harness, 'dataSource' | 'get'>) {
  let recorder: ReturnType<typeof recordReleasedEvents> | undefined;
  afterEach(() => {
    recorder?.stop();
    recorder = undefined;
  });
  return () => (recorder = recordReleasedEvents(harness()));
}

/**
 * Records the in-process `reservation.released` until `stop()`; each event also notes the
 * reservation's status as another connection sees it at that moment.
 */
export function recordReleasedEvents(t: Pick<Harness, 'dataSource' | 'get'>) {
  const seen: Promise<string | undefined>[] = [];
  const recorder = recordEvents(t, ['reservation.released'], (event) => {
    seen.push(reservationStatusOf(t, String(event.payload.reservationId)));
  });
  const events = recorder.events;
  return {
    events,
    of: (id: string) => events.filter((event) => event.payload.reservationId === id),
    seenStatuses: () => Promise.all(seen),
    stop: recorder.stop,
  };
}

/** A reservation as read back after a change: a ReservationView, or the API's answer. */
interface ReservationRead {
  id: string;
  status: string;
  expiresAt: Date | string;
  extendedCount: number;
  closedAt: Date | string | null;
}

const isoOf = (at: Date | string) => new Date(at).toISOString();

/**
 * The payload of a `reservation.*` outbox event (ReservationEventPayload) about `read`, the
 * reservation as the change left it, of `customerId` and `ownerRef`. `reservation.created`
 * adds its items, total and currency.
 */
export function reservationEventPayload(read: ReservationRead, customerId: string, ownerRef: string | null) {
  return {
    reservationId: read.id,
    status: read.status,
    customerId,
    ownerRef,
    expiresAt: isoOf(read.expiresAt),
    extendedCount: read.extendedCount,
    closedAt: read.closedAt === null ? null : isoOf(read.closedAt),
  };
}

/** Units another ACTIVE reservation holds of a variant made by newVariantWithBystander. */
export const BYSTANDER_UNITS = 5;

/**
 * Ten units, five of them held by another ACTIVE reservation: a transition applied
 * twice would then show in the counters instead of being stopped by the CHECK
 * constraint (reserved >= 0), so a test sees the status guard itself.
 */
export async function newVariantWithBystander(t: Pick<Harness, 'dataSource' | 'get'>): Promise<StockedVariant> {
  const variant = await newStockedVariant(t, { onHand: 10 });
  await reserve(t, unique('bystander'), [line(variant, BYSTANDER_UNITS)]);
  return variant;
}

/** The ledger rows that closed the reservation: all of its rows but its RESERVE. */
export async function closingRowsOf(t: Pick<Harness, 'dataSource'>, variant: StockedVariant, reservationId: string) {
  const ledger = await ledgerRowsOf(t, variant.id);
  return ledger.filter((row) => row.reservationId === reservationId && row.reason !== 'RESERVE');
}
