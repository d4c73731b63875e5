import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { InsufficientStockError, InventoryService, ReservationNotFoundError, ReservationView } from '../inventory';
import { PriceQuote, PricingService } from '../pricing';
import { Principal } from '../shared/auth';
import { CartChangedError, CartFullError, CartItemNotFoundError, LineQuantityTooLargeError } from './cart.errors';
import { Cart, MAX_CART_LINES } from './cart.entity';
import { CartItem, MAX_LINE_QUANTITY } from './cart-item.entity';
import {
  CartWithItems,
  findActiveCart,
  findLatestCart,
  lockActiveCart,
  lockOrOpenActiveCart,
  reactivateCart,
  touchCart,
} from './cart.repository';
import { CartDto, CartItemDto } from './dto/cart.dto';
import { IdempotencyService, idempotentRequest, IdempotentResult } from './idempotency.service';

/** Times a change is re-planned when another request changed the line meanwhile. */
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

/** Thrown inside a write when the line moved since it was planned: plan again. */
class StalePlanError extends Error {}

/**
 * The customer's active cart and its lines. Prices are quoted (with the token's tier) and
 * stock checked before each write's transaction; the write, under the cart's row lock,
 * only checks that the line is still as it was read.
 */
@Injectable()
export class CartService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const active = await findActiveCart(this.dataSource, customerId);
    if (active) return active;
    const latest = await this.latestCheckout(customerId);
    if (!latest || (latest.reservation?.status !== 'CANCELLED' && latest.reservation?.status !== 'EXPIRED')) {
      return null;
    }
    await reactivateCart(this.dataSource, latest.cart.id, latest.cart.reservationId!);
    return findActiveCart(this.dataSource, customerId);
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
    const latest = await findLatestCart(this.dataSource, customerId);
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
    const request = idempotentRequest(principal, idempotencyKey, 'addCartItem', {
      variantId: input.variantId,
      quantity: input.quantity,
    });
    return this.idempotency.run(request, () =>
      this.withFreshPlan(
        () => this.planAdd(principal, input),
        (plan) =>
          this.idempotency.transaction(request, 201, async (tx) => {
            const cart = await lockOrOpenActiveCart(tx, principal.customerId);
            return CartItemDto.from(await this.applyPlan(tx, cart, plan));
          }),
      ),
    );
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

  /** Sets a line's quantity and prices it again (a volume break may now apply). */
  async updateItem(principal: Principal, itemId: string, quantity: number): Promise<CartItemDto> {
    const { body } = await this.withFreshPlan(
      async () => {
        const { cart, item } = await this.getOwnItem(principal, itemId);
        return this.plan(principal, cart.id, item.variantId, item.quantity, quantity);
      },
      (plan) =>
        this.dataSource.transaction(async (tx) => {
          const cart = await lockActiveCart(tx, principal.customerId);
          if (!cart || cart.id !== plan.cartId) throw new CartItemNotFoundError(itemId);
          const item = await this.applyPlan(tx, cart, plan, itemId);
          return { status: 200, body: CartItemDto.from(item), replayed: false };
        }),
    );
    return body;
  }

  async removeItem(principal: Principal, itemId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const cart = await lockActiveCart(tx, principal.customerId);
      const result = cart ? await tx.getRepository(CartItem).delete({ id: itemId, cartId: cart.id }) : null;
      if (!cart || !result?.affected) throw new CartItemNotFoundError(itemId);
      await touchCart(tx, cart.id);
    });
  }

  /** A line of the caller's active cart; another customer's, or a checked-out one's, is 404. */
  private async getOwnItem(principal: Principal, itemId: string): Promise<{ cart: Cart; item: CartItem }> {
    const active: CartWithItems | null = await findActiveCart(this.dataSource, principal.customerId);
    const item = active?.items.find((line) => line.id === itemId);
    if (!active || !item) throw new CartItemNotFoundError(itemId);
    return { cart: active.cart, item };
  }

  /** Quotes the line's new quantity with the caller's tier and checks it against available stock. */
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
    const stock = await this.inventory.getAvailability([variantId]);
    const available = stock.get(variantId)?.available ?? 0;
    if (available < quantityAfter) {
      throw new InsufficientStockError([{ variantId, requested: quantityAfter, available }]);
    }
    return { cartId, variantId, quantityBefore, quote };
  }

  /**
   * Writes the planned line into the locked `cart` if the line is as it was read; the
   * price snapshot is the plan's quote. `itemId` names the line an update is meant for.
   */
  private async applyPlan(tx: EntityManager, cart: Cart, plan: LinePlan, itemId?: string): Promise<CartItem> {
    const items = tx.getRepository(CartItem);
    const current = await items.findOneBy({ cartId: cart.id, variantId: plan.variantId });
    if (itemId !== undefined && current?.id !== itemId) throw new CartItemNotFoundError(itemId);
    const unchanged =
      (plan.cartId === null || plan.cartId === cart.id) && (current?.quantity ?? 0) === plan.quantityBefore;
    if (!unchanged) throw new StalePlanError();
    if (!current && (await items.countBy({ cartId: cart.id })) >= MAX_CART_LINES) throw new CartFullError();

    const snapshot = snapshotOf(plan.quote);
    let line: CartItem;
    if (current) {
      line = items.merge(current, snapshot);
      await items.update({ id: current.id }, snapshot);
    } else {
      line = items.create({ id: randomUUID(), cartId: cart.id, variantId: plan.variantId, ...snapshot });
      await items.insert(line);
    }
    await touchCart(tx, cart.id);
    return line;
  }

  /**
   * Prices again, for the caller's tier, the lines priced for another tier (the customer's
   * tier changed since they were added), so that a checkout never charges a price of a
   * tier the token does not carry. Returns the cart as it now is; CONFLICT when another
   * request changed it meanwhile.
   */
  async repriceForTier(principal: Principal, read: CartWithItems): Promise<CartWithItems> {
    const stale = read.items.filter((item) => item.tier !== principal.tier);
    if (stale.length === 0) return read;
    const quotes = await this.pricing.quoteMany(
      stale.map((item) => ({ variantId: item.variantId, quantity: item.quantity })),
      { tier: principal.tier },
    );
    await this.dataSource.transaction(async (tx) => {
      const cart = await lockActiveCart(tx, principal.customerId);
      if (cart?.id !== read.cart.id || cart.version !== read.cart.version) throw new CartChangedError();
      for (const [index, item] of stale.entries()) {
        await tx.getRepository(CartItem).update({ id: item.id }, snapshotOf(quotes[index]));
      }
      await touchCart(tx, cart.id);
    });
    const repriced = await findActiveCart(this.dataSource, principal.customerId);
    if (repriced?.cart.id !== read.cart.id) throw new CartChangedError();
    return repriced;
  }

  /** Plans outside any transaction and writes inside one; plans again when the line moved in between. */
  private async withFreshPlan<T>(
    plan: () => Promise<LinePlan>,
    write: (plan: LinePlan) => Promise<IdempotentResult<T>>,
  ): Promise<IdempotentResult<T>> {
    for (let attempt = 1; ; attempt++) {
      const planned = await plan();
      try {
        return await write(planned);
      } catch (error) {
        if (!(error instanceof StalePlanError)) throw error;
        if (attempt >= MAX_PLAN_ATTEMPTS) throw new CartChangedError();
      }
    }
  }
}

/** The line's price snapshot: what checkout will charge, and why. */
function snapshotOf(quote: PriceQuote) {
  return {
    sku: quote.sku,
    productName: quote.productName,
    quantity: quote.quantity,
    tier: quote.tier,
    unitPrice: quote.unitPrice,
    basePrice: quote.basePrice,
    appliedRules: quote.appliedRules.map((rule) => ({
      ruleId: rule.ruleId,
      name: rule.name,
      kind: rule.kind,
      beforeMinor: rule.before.minor,
      afterMinor: rule.after.minor,
    })),
    pricedAt: quote.pricedAt,
  };
}
