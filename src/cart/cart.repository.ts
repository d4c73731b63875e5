import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../shared/database';
import { Cart } from './cart.entity';
import { CartItem } from './cart-item.entity';
import { PriceSnapshot } from './price-snapshot';

/** A cart with its lines, read together. */
export interface CartWithItems {
  cart: Cart;
  items: CartItem[];
}

/** A checked-out cart whose reservation's outcome the cart module has not learned yet. */
export interface UnsettledCart {
  id: string;
  reservationId: string;
  checkedOutAt: Date;
}

/**
 * Every query of carts and their lines. Methods that take `tx` join the caller's
 * transaction; the others read or write on their own.
 */
@Injectable()
export class CartRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The customer's ACTIVE cart with its lines in the order they were added, or null. */
  async findActive(customerId: string): Promise<CartWithItems | null> {
    // One query: findOne() with a relation adds a second one (to apply its LIMIT), and a
    // customer has at most one ACTIVE cart (UQ_carts_active_customer) anyway.
    const cart = await this.dataSource
      .getRepository(Cart)
      .createQueryBuilder('cart')
      .leftJoinAndSelect('cart.items', 'item')
      .where('cart.customerId = :customerId AND cart.status = :status', { customerId, status: 'ACTIVE' })
      .orderBy('item.createdAt', 'ASC')
      .addOrderBy('item.id', 'ASC')
      .getOne();
    if (!cart) return null;
    const { items = [], ...rest } = cart;
    return { cart: rest as Cart, items };
  }

  /** The customer's most recent cart, whatever its status, or null. */
  findLatest(customerId: string): Promise<Cart | null> {
    return this.dataSource
      .getRepository(Cart)
      .findOne({ where: { customerId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /**
   * Locks the customer's ACTIVE cart row (FOR UPDATE). A row another transaction checks
   * out while we wait no longer matches once we get it, and null comes back.
   */
  lockActive(tx: EntityManager, customerId: string): Promise<Cart | null> {
    return tx.getRepository(Cart).findOne({
      where: { customerId, status: 'ACTIVE' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * The customer's ACTIVE cart, locked, opening one if there is none. Two first adds racing
   * meet at the partial unique index: the loser's insert does nothing and it locks the
   * winner's cart instead.
   */
  async lockOrOpenActive(tx: EntityManager, customerId: string): Promise<Cart> {
    const existing = await this.lockActive(tx, customerId);
    if (existing) return existing;
    await tx.query(
      `INSERT INTO carts (id, customer_id, status) VALUES ($1, $2, 'ACTIVE')
       ON CONFLICT (customer_id) WHERE status = 'ACTIVE' DO NOTHING`,
      [randomUUID(), customerId],
    );
    const opened = await this.lockActive(tx, customerId);
    if (!opened) throw new Error(`No active cart for ${customerId} right after opening one`);
    return opened;
  }

  /**
   * Marks the cart CHECKED_OUT into the reservation, if it is still ACTIVE at `version`
   * (nobody changed it since it was read). Returns false, writing nothing, otherwise.
   */
  async markCheckedOut(tx: EntityManager, cart: Pick<Cart, 'id' | 'version'>, reservationId: string): Promise<boolean> {
    // now() is the transaction's start: the same instant as the reservation's created_at.
    const [, affected]: [unknown, number] = await tx.query(
      `UPDATE carts SET status = 'CHECKED_OUT', reservation_id = $3, checked_out_at = now(),
                        version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'ACTIVE' AND version = $2`,
      [cart.id, cart.version, reservationId],
    );
    return affected > 0;
  }

  /** Marks a change to the cart, so a checkout that read it before knows to stop. */
  async touch(tx: EntityManager, cartId: string): Promise<void> {
    await tx.getRepository(Cart).increment({ id: cartId }, 'version', 1);
  }

  /** The cart's line of the variant, or null. */
  findLine(tx: EntityManager, cartId: string, variantId: number): Promise<CartItem | null> {
    return tx.getRepository(CartItem).findOneBy({ cartId, variantId });
  }

  countLines(tx: EntityManager, cartId: string): Promise<number> {
    return tx.getRepository(CartItem).countBy({ cartId });
  }

  /** Adds a line priced at `snapshot`; returns it as stored. */
  async insertLine(tx: EntityManager, cartId: string, variantId: number, snapshot: PriceSnapshot): Promise<CartItem> {
    const items = tx.getRepository(CartItem);
    const line = items.create({ id: randomUUID(), cartId, variantId, ...snapshot });
    await items.insert(line);
    return line;
  }

  /** Writes a new price snapshot (quantity included) over a line; returns the line as it now is. */
  async repriceLine(tx: EntityManager, line: CartItem, snapshot: PriceSnapshot): Promise<CartItem> {
    const items = tx.getRepository(CartItem);
    await items.update({ id: line.id }, snapshot);
    return items.merge(line, snapshot);
  }

  /** Deletes the line from the cart; false when the cart has no such line. */
  async deleteLine(tx: EntityManager, cartId: string, lineId: string): Promise<boolean> {
    const result = await tx.getRepository(CartItem).delete({ id: lineId, cartId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Makes a cart checked out into `reservationId` ACTIVE again, unless the customer has
   * started a cart since (active or itself checked out): an older cart must never replace
   * a newer one. Idempotent; returns whether this call reactivated it.
   */
  async reactivate(cartId: string, reservationId: string): Promise<boolean> {
    return (await this.reactivateMany([{ cartId, reservationId }])) > 0;
  }

  /**
   * `reactivate` for many carts in one statement (reservations tend to be released in
   * batches); returns how many it reactivated. Should a customer open a new cart while
   * it runs, the carts are taken one by one, so that customer's alone stays checked out.
   */
  async reactivateMany(carts: readonly { cartId: string; reservationId: string }[]): Promise<number> {
    if (carts.length === 0) return 0;
    try {
      const [, affected]: [unknown, number] = await this.dataSource.query(
        `UPDATE carts c
            SET status = 'ACTIVE', reservation_id = NULL, checked_out_at = NULL, settled_at = NULL,
                version = c.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::uuid[]) AS released(cart_id, reservation_id)
          WHERE c.id = released.cart_id AND c.status = 'CHECKED_OUT' AND c.reservation_id = released.reservation_id
            AND NOT EXISTS (
              SELECT 1 FROM carts n
               WHERE n.customer_id = c.customer_id AND (n.status = 'ACTIVE' OR n.created_at > c.created_at)
            )`,
        [carts.map((cart) => cart.cartId), carts.map((cart) => cart.reservationId)],
      );
      return affected;
    } catch (error) {
      // A new cart was opened between the check and the write: the customer keeps that one.
      if (!isUniqueViolation(error, 'UQ_carts_active_customer')) throw error;
      if (carts.length === 1) return 0;
      let reactivated = 0;
      for (const cart of carts) reactivated += await this.reactivateMany([cart]);
      return reactivated;
    }
  }

  /** Unsettled carts after `after` in checkout order, at most `limit` (keyset pages over IDX_carts_unsettled). */
  async findUnsettled(after: UnsettledCart | null, limit: number): Promise<UnsettledCart[]> {
    const rows: { id: string; reservation_id: string; checked_out_at: Date }[] = await this.dataSource.query(
      `SELECT id, reservation_id, checked_out_at FROM carts
        WHERE status = 'CHECKED_OUT' AND settled_at IS NULL
          AND ($1::timestamptz IS NULL OR (checked_out_at, id) > ($1::timestamptz, $2::uuid))
        ORDER BY checked_out_at, id
        LIMIT $3`,
      [after?.checkedOutAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((row) => ({ id: row.id, reservationId: row.reservation_id, checkedOutAt: row.checked_out_at }));
  }

  /**
   * Records that these carts' reservations ended for good with the carts staying checked
   * out (a sale, or a newer cart in their place). Carts given back meanwhile are untouched.
   */
  async settle(cartIds: readonly string[]): Promise<number> {
    if (cartIds.length === 0) return 0;
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE carts SET settled_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'CHECKED_OUT' AND settled_at IS NULL`,
      [cartIds],
    );
    return affected;
  }
}
