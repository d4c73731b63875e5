import { EventEmitter2 } from '@nestjs/event-emitter';
import { InventoryService, ReservationView, ReserveLine } from '../../src/inventory';
import { Money } from '../../src/shared/money';
import { createVariant } from './catalog.factory';
import { TestApp } from './test-app';

export interface StockedVariant {
  id: number;
  sku: string;
}

/** A new catalog variant with `onHand` units, set through the admin route. */
export async function createStockedVariant(t: TestApp, onHand: number): Promise<StockedVariant> {
  const variant = await createVariant(t);
  await setStock(t, variant.id, onHand);
  return variant;
}

export async function setStock(t: TestApp, variantId: number, onHand: number): Promise<void> {
  await t.http.put(`/api/inventory/${variantId}`).set('authorization', t.admin).send({ onHand }).expect(200);
}

export async function stockOf(
  t: TestApp,
  variantId: number,
): Promise<{ onHand: number; reserved: number; available: number }> {
  const response = await t.http.get(`/api/inventory/${variantId}`).expect(200);
  return response.body;
}

/** A reservation line of `quantity` units at 10.00 each. */
export function line(variant: StockedVariant, quantity: number, unitPrice = '10.00'): ReserveLine {
  return { variantId: variant.id, sku: variant.sku, quantity, unitPrice: Money.parse(unitPrice) };
}

/** Reserves through the inventory facade in a transaction of its own, as the cart's checkout will. */
export function reserve(
  t: TestApp,
  ownerId: string,
  lines: ReserveLine[],
  ownerRef?: string,
): Promise<ReservationView> {
  const inventory = t.app.get(InventoryService);
  return t.dataSource.transaction((tx) => inventory.reserve(tx, { ownerId, ownerRef, lines }));
}

/** The drift the audit reports; tests expect it empty after every race. */
export async function auditDrift(t: TestApp): Promise<unknown[]> {
  const response = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
  return response.body.drift;
}

/** The ledger rows of a variant, oldest first. */
export async function ledgerOf(
  t: TestApp,
  variantId: number,
): Promise<
  {
    reason: string;
    delta: number;
    reservedDelta: number;
    onHandAfter: number;
    reservedAfter: number;
    reservationId: string | null;
    createdAt: string;
  }[]
> {
  const response = await t.http
    .get(`/api/inventory/${variantId}/movements?limit=100`)
    .set('authorization', t.admin)
    .expect(200);
  return [...response.body.items].reverse();
}

/** Polls until `check` passes or the timeout elapses (for effects of background jobs). */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** Deletes a catalog variant through the admin route; its stock history stays. */
export async function deleteVariant(t: TestApp, variantId: number): Promise<void> {
  await t.http.delete(`/api/products/variants/${variantId}`).set('authorization', t.admin).expect(204);
}

/** Moves a reservation's expiry into the past, as if its TTL had run out (the job has not run yet). */
export async function makeOverdue(t: TestApp, reservationId: string): Promise<void> {
  await t.dataSource.query(`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
    reservationId,
  ]);
}

export interface RecordedEvent {
  name: string;
  payload: Record<string, unknown>;
}

/**
 * Records the in-process domain events of the given names (e.g. `reservation.released`)
 * until `stop()` is called. `onEvent` runs synchronously inside the emit, so it can look
 * at the world as the emitter saw it.
 */
export function recordEvents(
  t: TestApp,
  names: readonly string[],
  onEvent?: (event: RecordedEvent) => void,
): { events: RecordedEvent[]; stop(): void } {
  const emitter = t.app.get(EventEmitter2);
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
