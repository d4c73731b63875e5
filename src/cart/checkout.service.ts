import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InventoryService, ReservationDto } from '../inventory';
import { CatalogService } from '../products';
import { Principal } from '../shared/auth';
import { assertClientWaiting } from '../shared/http';
import { CartChangedError, CartEmptyError, CartLinesNotForSaleError } from './cart.errors';
import { CartItem } from './cart-item.entity';
import { CartService } from './cart.service';
import { markCheckedOut } from './cart.repository';
import { IdempotencyService, idempotentRequest, IdempotentRequest, IdempotentResult } from './idempotency.service';

/**
 * Turns the caller's active cart into a stock reservation, every line or none.
 *
 * Everything that can be read is read before the transaction (the lines with their price
 * snapshots, which variants are still sold; lines priced for another tier than the
 * token's are priced again first). The transaction then holds as little as it
 * can: it claims the idempotency key, marks the cart CHECKED_OUT only if it is still
 * the version that was read (else 409 CONFLICT, nothing written), lets inventory lock
 * the stock rows (ascending variant id) and reserve, and stores the answer. Events and
 * the expiry job follow the commit.
 */
@Injectable()
export class CheckoutService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly carts: CartService,
    private readonly inventory: InventoryService,
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
    const request = idempotentRequest(principal, idempotencyKey, 'checkoutCart', null);
    return this.idempotency.run(request, () => this.reserveCart(principal, request, clientGone));
  }

  private async reserveCart(
    principal: Principal,
    request: IdempotentRequest | undefined,
    clientGone: AbortSignal | undefined,
  ): Promise<IdempotentResult<ReservationDto>> {
    const read = await this.carts.findOrRecoverActiveCart(principal.customerId);
    if (!read) {
      // A checkout repeated after an answer that never arrived (a reset, a timeout): the
      // cart it checked out is still held, so that reservation is the answer.
      const held = await this.carts.findHeldReservation(principal.customerId);
      if (held) return { status: 200, body: ReservationDto.from(held), replayed: true };
    }
    if (!read || read.items.length === 0) throw new CartEmptyError();
    await this.assertStillSold(read.items);
    const { cart, items } = await this.carts.repriceForTier(principal, read);

    assertClientWaiting(clientGone);
    const reservationId = randomUUID();
    return this.idempotency.transaction(request, 201, async (tx) => {
      // The cart first, guarded by the version read above: its row is this customer's
      // alone, while the stock rows locked next are every checkout's. Writing it before
      // them keeps their lock window one round trip shorter.
      if (!(await markCheckedOut(tx, cart, reservationId))) throw new CartChangedError();
      const reservation = await this.inventory.reserve(tx, {
        id: reservationId,
        ownerId: principal.customerId,
        ownerRef: cart.id,
        lines: items.map((item) => ({
          variantId: item.variantId,
          sku: item.sku,
          quantity: item.quantity,
          unitPrice: item.unitPrice,
        })),
      });
      assertClientWaiting(clientGone);
      return ReservationDto.from(reservation);
    });
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
}
