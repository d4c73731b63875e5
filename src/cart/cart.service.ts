import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InventoryService, ReservationNotFoundError, ReservationView } from '../inventory';
import { PriceQuote, PricingService } from '../pricing';
import { Principal } from '../shared/auth';
import { CartChangedError, CartFullError, CartItemNotFoundError, LineQuantityTooLargeError } from './cart.errors';
import { Cart, MAX_CART_LINES } from './cart.entity';
import { CartItem, MAX_LINE_QUANTITY } from './cart-item.entity';
import { CartRepository, CartWithItems } from './cart.repository';
import { CartDto, CartItemDto } from './dto/cart.dto';
import { IdempotencyService, IdempotentResult } from '../shared/idempotency';
import { priceSnapshotOf } from './price-snapshot';

/** Times a change is planned again when another request changed the line meanwhile. */
const MAX_PLAN_ATTEMPTS = 5;

/** A quoted change to one line, checked against stock, to apply if the line is still as read. */
interface LinePlan {
  /** The cart read, or null when the customer had none. */
  cartId: string | null;
  variantId: number;
  /** The line's quantity when read (0: no line yet); the write goes ahead only if unchanged. */
  quantityBefore: number;
  quote: PriceQuote;
}

/** Thrown inside a write when the line moved since it was planned: it rolls back, and the change is planned again. */
class StalePlanError extends Error {}

/**
 * The customer's active cart and its lines. Each change is planned before its
 * transaction (the price quoted with the token's tier, stock checked); the write, under
 * the cart's row lock, only checks that the line is still as it was read.
 */
@Injectable()
export class CartService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly carts: CartRepository,
    private readonly pricing: PricingService,
    private readonly inventory: InventoryService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** The caller's active cart; an empty one (id null) when there is none. */
  async getCart(principal: Principal): Promise<CartDto> {
    const active = await this.findOrRecoverActiveCart(principal.customerId);
    const cart = active ? { ...active.cart, items: active.items } : { id: null, status: 'ACTIVE' as const, items: [] };
    return CartDto.from(cart, this.pricing.currency);
  }

  /**
   * The customer's ACTIVE cart, or their latest cart made ACTIVE again when its
   * reservation was released without the cart hearing of it (a lost event, or a
   * reservation overdue that no job has expired yet: reading it expires it). Every cart
   * route starts here, so no route acts on a cart that should have been given back.
   */
  async findOrRecoverActiveCart(customerId: string): Promise<CartWithItems | null> {
    const active = await this.carts.findActive(customerId);
    if (active) return active;
    const latest = await this.latestCheckout(customerId);
    if (!latest || (latest.reservation?.status !== 'CANCELLED' && latest.reservation?.status !== 'EXPIRED')) {
      return null;
    }
    await this.carts.reactivate(latest.cart.id, latest.cart.reservationId!);
    return this.carts.findActive(customerId);
  }

  /**
   * The reservation still holding the customer's latest checked-out cart, when they have
   * no ACTIVE cart: what a checkout repeated after an ambiguous failure should answer.
   */
  async findHeldReservation(customerId: string): Promise<ReservationView | null> {
    const latest = await this.latestCheckout(customerId);
    return latest?.reservation?.status === 'ACTIVE' ? latest.reservation : null;
  }

  /** The customer's latest cart if it is checked out, with its reservation (null if that is gone). */
  private async latestCheckout(
    customerId: string,
  ): Promise<{ cart: Cart; reservation: ReservationView | null } | null> {
    const latest = await this.carts.findLatest(customerId);
    if (latest?.status !== 'CHECKED_OUT' || latest.reservationId === null) return null;
    const reservation = await this.inventory.getReservation(latest.reservationId).catch((error: unknown) => {
      if (error instanceof ReservationNotFoundError) return null;
      throw error;
    });
    return { cart: latest, reservation };
  }

  /** Adds units of a variant: to its line when there is one, else as a new line (opening a cart if needed). */
  async addItem(
    principal: Principal,
    input: { variantId: number; quantity: number },
    idempotencyKey?: string,
  ): Promise<IdempotentResult<CartItemDto>> {
    const idempotent = this.idempotency.forRequest<CartItemDto>(principal.customerId, idempotencyKey, 'addCartItem', {
      variantId: input.variantId,
      quantity: input.quantity,
    });
    const earlier = await idempotent.earlierAnswer();
    if (earlier) return earlier;
    try {
      return await this.planAgainWhenStale(async () => {
        const plan = await this.planAdd(principal, input);
        return this.dataSource.transaction(async (tx) => {
          const taken = await idempotent.claim(tx);
          if (taken) return taken;
          const { cart, opened } = await this.carts.lockOrOpenActive(tx, principal.customerId, plan.cartId === null);
          const line = await this.applyPlan(tx, cart, plan, { opened });
          return idempotent.answer(tx, 201, CartItemDto.from(line));
        });
      });
    } catch (error) {
      return idempotent.answerInsteadOf(error);
    }
  }

  /** Sets a line's quantity and prices it again (a volume break may now apply). */
  async updateItem(principal: Principal, itemId: string, quantity: number): Promise<CartItemDto> {
    return this.planAgainWhenStale(async () => {
      const active = await this.carts.findActive(principal.customerId);
      const item = active?.items.find((line) => line.id === itemId);
      // Another customer's line, or a checked-out cart's, is not found the same way.
      if (!active || !item) throw new CartItemNotFoundError(itemId);
      const plan = await this.plan(principal, active.cart.id, item.variantId, item.quantity, quantity);
      return this.dataSource.transaction(async (tx) => {
        const cart = await this.carts.lockActive(tx, principal.customerId);
        if (!cart || cart.id !== plan.cartId) throw new CartItemNotFoundError(itemId);
        return CartItemDto.from(await this.applyPlan(tx, cart, plan, { itemId }));
      });
    });
  }

  async removeItem(principal: Principal, itemId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const cart = await this.carts.lockActive(tx, principal.customerId);
      if (!cart || !(await this.carts.deleteLine(tx, cart.id, itemId))) throw new CartItemNotFoundError(itemId);
      await this.carts.touch(tx, cart.id);
    });
  }

  private async planAdd(principal: Principal, input: { variantId: number; quantity: number }): Promise<LinePlan> {
    const active = await this.findOrRecoverActiveCart(principal.customerId);
    const line = active?.items.find((item) => item.variantId === input.variantId);
    if (!line && (active?.items.length ?? 0) >= MAX_CART_LINES) throw new CartFullError();
    const quantityBefore = line?.quantity ?? 0;
    return this.plan(
      principal,
      active?.cart.id ?? null,
      input.variantId,
      quantityBefore,
      quantityBefore + input.quantity,
    );
  }

  /** Quotes the line's new quantity with the caller's tier and checks it against purchase limits and available stock. */
  private async plan(
    principal: Principal,
    cartId: string | null,
    variantId: number,
    quantityBefore: number,
    quantityAfter: number,
  ): Promise<LinePlan> {
    if (quantityAfter > MAX_LINE_QUANTITY) throw new LineQuantityTooLargeError(quantityAfter);
    // Unknown and deleted variants fail here with 404, before anything is written.
    const quote = await this.pricing.quote({ variantId, quantity: quantityAfter }, { tier: principal.tier });
    await this.inventory.assertMayHold(principal.customerId, { variantId, quantity: quantityAfter });
    return { cartId, variantId, quantityBefore, quote };
  }

  /**
   * Writes the planned line into the locked `cart` if the line is as it was read; the
   * price snapshot is the plan's quote. `itemId` names the line an update is meant for;
   * `opened` says the transaction has just created the cart, which has no line to read.
   */
  private async applyPlan(
    tx: EntityManager,
    cart: Cart,
    plan: LinePlan,
    { itemId, opened = false }: { itemId?: string; opened?: boolean } = {},
  ): Promise<CartItem> {
    const current = opened ? null : await this.carts.findLine(tx, cart.id, plan.variantId);
    if (itemId !== undefined && current?.id !== itemId) throw new CartItemNotFoundError(itemId);
    const unchanged =
      (plan.cartId === null || plan.cartId === cart.id) && (current?.quantity ?? 0) === plan.quantityBefore;
    if (!unchanged) throw new StalePlanError();

    const snapshot = priceSnapshotOf(plan.quote);
    if (!current) {
      const inserted = await this.carts.insertLine(tx, cart.id, plan.variantId, snapshot, MAX_CART_LINES);
      if (!inserted) throw new CartFullError();
      return inserted;
    }
    const line = await this.carts.repriceLine(tx, current, snapshot);
    await this.carts.touch(tx, cart.id);
    return line;
  }

  /** Runs a plan-then-write change, again from its plan when the line moved in between (CONFLICT after a few tries). */
  private async planAgainWhenStale<T>(change: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await change();
      } catch (error) {
        if (!(error instanceof StalePlanError)) throw error;
        if (attempt >= MAX_PLAN_ATTEMPTS) throw new CartChangedError();
      }
    }
  }
}
