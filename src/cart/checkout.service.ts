import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InventoryService, ReservationDto } from '../inventory';
import { PricingService } from '../pricing';
import { CatalogService } from '../products';
import { Principal } from '../shared/auth';
import { assertClientWaiting } from '../shared/http';
import { CartChangedError, CartEmptyError, CartLinesNotForSaleError } from './cart.errors';
import { CartItem } from './cart-item.entity';
import { CartRepository, CartWithItems } from './cart.repository';
import { CartService } from './cart.service';
import { IdempotencyService, IdempotentResult } from '../shared/idempotency';
import { priceSnapshotOf, PriceSnapshot } from './price-snapshot';

/** A line priced for another tier than the token's, with its new price for the token's tier. */
interface Repricing {
  line: CartItem;
  snapshot: PriceSnapshot;
}

/**
 * Turns the caller's active cart into a stock reservation, every line or none.
 *
 * Everything that can be read is read before the transaction: the lines with their price
 * snapshots, which variants are still sold, whether a line of a scarce variant could be
 * reserved at all (a sold-out sale answers 409 without queueing for locks), and new quotes
 * for lines priced for another tier than the token's (a checkout never charges a tier the
 * token does not carry). The
 * transaction then holds as little as it can: it claims the idempotency key, marks the
 * cart CHECKED_OUT only if it is still the version that was read (else 409 CONFLICT,
 * nothing written), writes the new prices, lets inventory lock the stock rows (ascending
 * variant id) and reserve, and stores the answer. Events and the expiry job follow the
 * commit.
 */
@Injectable()
export class CheckoutService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly pricing: PricingService,
    private readonly inventory: InventoryService,
    private readonly carts: CartService,
    private readonly cartRepository: CartRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * `clientGone` is aborted when the caller disconnects: checked before the transaction
   * opens and before it commits, so a checkout nobody waits for holds no stock.
   */
  async checkout(
    principal: Principal,
    idempotencyKey?: string,
    clientGone?: AbortSignal,
  ): Promise<IdempotentResult<ReservationDto>> {
    const idempotent = this.idempotency.forRequest<ReservationDto>(
      principal.customerId,
      idempotencyKey,
      'checkoutCart',
      null,
    );
    const earlier = await idempotent.earlierAnswer();
    if (earlier) return earlier;
    try {
      const read = await this.carts.findOrRecoverActiveCart(principal.customerId);
      if (!read) {
        // A checkout repeated after an answer that never arrived (a reset, a timeout): the
        // cart it checked out is still held, so that reservation is the answer.
        const held = await this.carts.findHeldReservation(principal.customerId);
        // With a key, the checkout that made it may be this key's own: its stored answer wins.
        if (held)
          return (await idempotent.earlierAnswer()) ?? { status: 200, body: ReservationDto.from(held), replayed: true };
      }
      if (!read || read.items.length === 0) throw new CartEmptyError();
      await this.assertStillSold(read.items);
      // A sold-out line in a sale: 409 now, without queueing for a connection and the row lock.
      await this.inventory.refuseIfCertain(principal.customerId, read.items);
      const repricings = await this.repricingsForTier(principal, read.items);

      assertClientWaiting(clientGone);
      const reservationId = randomUUID();
      return await this.dataSource.transaction(async (tx) => {
        const taken = await idempotent.claim(tx);
        if (taken) return taken;
        // The cart first, guarded by the version read above: its row is this customer's
        // alone, while the stock rows locked next are every checkout's. Writing it before
        // them keeps their lock window one round trip shorter.
        if (!(await this.cartRepository.markCheckedOut(tx, read.cart, reservationId))) throw new CartChangedError();
        const lines = await this.applyRepricings(tx, read, repricings);
        const reservation = await this.inventory.reserve(tx, {
          id: reservationId,
          ownerId: principal.customerId,
          ownerRef: read.cart.id,
          lines: lines.map((line) => ({
            variantId: line.variantId,
            sku: line.sku,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
          })),
        });
        assertClientWaiting(clientGone);
        return idempotent.answer(tx, 201, ReservationDto.from(reservation));
      });
    } catch (error) {
      return idempotent.answerInsteadOf(error);
    }
  }

  /**
   * Inventory does not know the catalog, so lines whose variant was deleted since they
   * were added are caught here. Their error also lists the lines short of stock (read
   * without locks: reserve checks again under them), so one answer names every problem.
   */
  private async assertStillSold(items: CartItem[]): Promise<void> {
    const sold = await this.catalog.liveVariantIds(items.map((item) => item.variantId));
    const discontinued = items.filter((item) => !sold.has(item.variantId));
    if (discontinued.length === 0) return;
    const live = items.filter((item) => sold.has(item.variantId));
    const stock = await this.inventory.getAvailability(live.map((item) => item.variantId));
    const short = live
      .map((item) => ({
        variantId: item.variantId,
        requested: item.quantity,
        available: stock.get(item.variantId)?.available ?? 0,
      }))
      .filter((line) => line.available < line.requested);
    throw new CartLinesNotForSaleError(
      discontinued.map((item) => ({ variantId: item.variantId, requested: item.quantity, available: 0 })),
      short,
    );
  }

  /** New quotes, for the token's tier, of the lines priced for another tier (the customer's tier changed). */
  private async repricingsForTier(principal: Principal, items: CartItem[]): Promise<Repricing[]> {
    const stale = items.filter((item) => item.tier !== principal.tier);
    if (stale.length === 0) return [];
    const quotes = await this.pricing.quoteMany(
      stale.map((item) => ({ variantId: item.variantId, quantity: item.quantity })),
      { tier: principal.tier },
    );
    return stale.map((line, index) => ({ line, snapshot: priceSnapshotOf(quotes[index]) }));
  }

  /** Writes the new prices on the locked cart's lines; returns every line as checkout charges it. */
  private async applyRepricings(tx: EntityManager, read: CartWithItems, repricings: Repricing[]): Promise<CartItem[]> {
    const repriced = new Map<string, CartItem>();
    for (const { line, snapshot } of repricings) {
      repriced.set(line.id, await this.cartRepository.repriceLine(tx, line, snapshot));
    }
    return read.items.map((item) => repriced.get(item.id) ?? item);
  }
}
