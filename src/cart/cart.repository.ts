import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { isUniqueViolation, SqlPools } from '../shared/database';
import { Money } from '../shared/money';
import { Cart } from './cart.entity';
import { CartItem } from './cart-item.entity';
import { PriceSnapshot } from './price-snapshot';

/** A cart with its lines, read together. */
export interface CartWithItems {
  cart: Cart;
  items: CartItem[];
}

/**
 * Every query of carts and their lines. Methods that take `tx` join the caller's
 * transaction; the others read or write on their own.
 */
@Injectable()
export class CartRepository {
  constructor(private readonly sql: SqlPools) {}

  /** The customer's ACTIVE cart with its lines in the order they were added, or null. */
  async findActive(customerId: string): Promise<CartWithItems | null> {
    // One statement, mapped here rather than hydrated by the ORM: the read every cart
    // route and every checkout starts with. A customer has at most one ACTIVE cart
    // (UQ_carts_active_customer); a cart without lines comes back as one row of nulls.
    const rows: ActiveCartRow[] = await this.sql.onReadPool(
      `SELECT c.id, c.customer_id, c.status, c.reservation_id, c.version, c.checked_out_at,
              c.created_at, c.updated_at,
              i.id AS item_id, i.variant_id, i.sku, i.product_name, i.quantity, i.unit_price_minor,
              i.base_price_minor, i.tier, i.applied_rules, i.priced_at,
              i.created_at AS item_created_at, i.updated_at AS item_updated_at
         FROM carts c LEFT JOIN cart_items i ON i.cart_id = c.id
        WHERE c.customer_id = $1 AND c.status = 'ACTIVE'
        ORDER BY i.created_at ASC, i.id ASC`,
      [customerId],
    );
    if (rows.length === 0) return null;
    return { cart: cartOf(rows[0]), items: rows.filter((row) => row.item_id !== null).map(itemOf) };
  }

  /** The customer's most recent cart, whatever its status, or null. */
  async findLatest(customerId: string): Promise<Cart | null> {
    const rows: CartRow[] = await this.sql.onWritePool(
      `SELECT * FROM carts WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [customerId],
    );
    return rows.length === 0 ? null : cartOf(rows[0]);
  }

  /**
   * Locks the customer's ACTIVE cart row (FOR UPDATE). A row another transaction checks
   * out while we wait no longer matches once we get it, and null comes back.
   */
  async lockActive(tx: EntityManager, customerId: string): Promise<Cart | null> {
    const rows: CartRow[] = await tx.query(
      `SELECT * FROM carts WHERE customer_id = $1 AND status = 'ACTIVE' FOR UPDATE`,
      [customerId],
    );
    return rows.length === 0 ? null : cartOf(rows[0]);
  }

  /**
   * The customer's ACTIVE cart, locked, opening one if there is none; `opened` says this
   * transaction created it (so it has no lines). With `expectNone` (the caller read no
   * active cart) the insert is tried first, which saves the lock's round trip on a first
   * add. Two first adds racing meet at the partial unique index: the loser's insert does
   * nothing and it locks the winner's cart instead.
   */
  async lockOrOpenActive(
    tx: EntityManager,
    customerId: string,
    expectNone: boolean,
  ): Promise<{ cart: Cart; opened: boolean }> {
    const existing = expectNone ? null : await this.lockActive(tx, customerId);
    if (existing) return { cart: existing, opened: false };
    // The new row is this transaction's until it commits: as good as locked.
    const opened: CartRow[] = await tx.query(
      `INSERT INTO carts (id, customer_id, status) VALUES ($1, $2, 'ACTIVE')
       ON CONFLICT (customer_id) WHERE status = 'ACTIVE' DO NOTHING
       RETURNING *`,
      [randomUUID(), customerId],
    );
    if (opened.length === 1) return { cart: cartOf(opened[0]), opened: true };
    const winner = await this.lockActive(tx, customerId);
    if (!winner) throw new Error(`No active cart for ${customerId} right after opening one`);
    return { cart: winner, opened: false };
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
  async findLine(tx: EntityManager, cartId: string, variantId: number): Promise<CartItem | null> {
    const rows: LineRow[] = await tx.query(`SELECT * FROM cart_items WHERE cart_id = $1 AND variant_id = $2`, [
      cartId,
      variantId,
    ]);
    return rows.length === 0 ? null : lineOf(rows[0]);
  }

  /**
   * Adds a line priced at `snapshot` and marks the change to the cart, in one statement;
   * returns the line as stored, or null (nothing written) when the cart already holds
   * `maxLines` lines. The caller holds the cart's row lock, so the count cannot move.
   */
  async insertLine(
    tx: EntityManager,
    cartId: string,
    variantId: number,
    snapshot: PriceSnapshot,
    maxLines: number,
  ): Promise<CartItem | null> {
    const line = tx.getRepository(CartItem).create({ id: randomUUID(), cartId, variantId, ...snapshot });
    const rows: { created_at: Date; updated_at: Date }[] = await tx.query(
      `WITH line AS (
         INSERT INTO cart_items (id, cart_id, variant_id, sku, product_name, quantity, unit_price_minor,
                                 base_price_minor, tier, applied_rules, priced_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
          WHERE (SELECT count(*) FROM cart_items WHERE cart_id = $2) < $12
         RETURNING created_at, updated_at
       ),
       touched AS (
         UPDATE carts SET version = version + 1, updated_at = now() WHERE id = $2 AND EXISTS (SELECT 1 FROM line)
       )
       SELECT * FROM line`,
      [
        line.id,
        cartId,
        variantId,
        snapshot.sku,
        snapshot.productName,
        snapshot.quantity,
        snapshot.unitPrice.minor,
        snapshot.basePrice.minor,
        snapshot.tier,
        JSON.stringify(snapshot.appliedRules),
        snapshot.pricedAt,
        maxLines,
      ],
    );
    if (rows.length === 0) return null;
    line.createdAt = rows[0].created_at;
    line.updatedAt = rows[0].updated_at;
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
      const [, affected]: [unknown, number] = await this.sql.onWritePool(
        `UPDATE carts c
            SET status = 'ACTIVE', reservation_id = NULL, checked_out_at = NULL,
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
}

interface CartRow {
  id: string;
  customer_id: string;
  status: Cart['status'];
  reservation_id: string | null;
  version: number;
  checked_out_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A row of cart_items. */
interface LineRow {
  id: string;
  cart_id: string;
  variant_id: number;
  sku: string;
  product_name: string;
  quantity: number;
  unit_price_minor: string;
  base_price_minor: string;
  tier: CartItem['tier'];
  applied_rules: CartItem['appliedRules'];
  priced_at: Date;
  created_at: Date;
  updated_at: Date;
}

function lineOf(row: LineRow): CartItem {
  return Object.assign(new CartItem(), {
    id: row.id,
    cartId: row.cart_id,
    variantId: row.variant_id,
    sku: row.sku,
    productName: row.product_name,
    quantity: row.quantity,
    unitPrice: Money.ofMinor(Number(row.unit_price_minor)),
    basePrice: Money.ofMinor(Number(row.base_price_minor)),
    tier: row.tier,
    appliedRules: row.applied_rules,
    pricedAt: row.priced_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/**
 * A cart row joined with one of its lines (all line fields null for a cart without lines);
 * the line's id and times are renamed, the cart's own having those names.
 */
interface ActiveCartRow extends CartRow, Omit<LineRow, 'id' | 'cart_id' | 'created_at' | 'updated_at'> {
  item_id: string | null;
  item_created_at: Date;
  item_updated_at: Date;
}

function itemOf(row: ActiveCartRow): CartItem {
  return lineOf({
    ...row,
    id: row.item_id!,
    cart_id: row.id,
    created_at: row.item_created_at,
    updated_at: row.item_updated_at,
  });
}

function cartOf(row: CartRow): Cart {
  return Object.assign(new Cart(), {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    reservationId: row.reservation_id,
    version: row.version,
    checkedOutAt: row.checked_out_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
