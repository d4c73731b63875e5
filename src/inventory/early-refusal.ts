import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { Env } from '../shared/config';
import { queryForRead } from '../shared/database';
import { activeHoldsSql, alreadyHeldSql, CustomerExposure } from './customer-exposure';
import { InsufficientStockError } from './inventory.errors';
import { assertCustomerMayReserve, RequestedUnits } from './purchase-limits';
import { shortLinesOf } from './reserve-lines';

/** How long a variant seen scarce is checked before reserving, unless seen plentiful again. */
const SCARCE_FOR_MS = 60_000;
/** Variants remembered at most: a sale's hot SKUs, not the catalog. */
const SCARCE_REMEMBERED = 10_000;

/**
 * Refuses, before any transaction, a reservation that would certainly be refused under
 * the stock locks: in a flash sale, once the units are gone, the buyers still arriving
 * get their 409 from one read without locks instead of queueing for a pooled connection
 * and the sold-out row's lock (and timing out there as 503s when the machine is busy).
 *
 * Only for variants this process lately saw scarce (few or no units left as it reserved
 * them): the others cost no read. The memory decides only whether to look; what is
 * refused is decided by the read, in the order a reserve decides (holds, limits, stock),
 * and a reservation it lets through is checked again under the locks as always.
 */
@Injectable()
export class EarlyRefusal {
  private readonly scarce = new LRUCache<number, true>({ max: SCARCE_REMEMBERED, ttl: SCARCE_FOR_MS });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** Notes the lines' variants as a reserve found them under its locks: scarce or not. */
  noteReserving(lines: readonly RequestedUnits[], availableOf: (variantId: number) => number | undefined): void {
    const threshold = this.config.get('LOW_STOCK_THRESHOLD', { infer: true });
    for (const line of lines) {
      const left = (availableOf(line.variantId) ?? 0) - line.quantity;
      if (left <= threshold) this.scarce.set(line.variantId, true);
      else this.scarce.delete(line.variantId);
    }
  }

  /**
   * Throws what a reserve of `lines` for `ownerId` would throw now, as far as one read
   * without locks can tell (TOO_MANY_HOLDS, PURCHASE_LIMIT_EXCEEDED, INSUFFICIENT_STOCK);
   * returns at once when no line's variant was seen scarce.
   */
  async refuseIfCertain(ownerId: string, lines: readonly RequestedUnits[]): Promise<void> {
    // One scarce line is enough to look at them all: the refusal names every problem, as a reserve's does.
    if (!lines.some((line) => this.scarce.has(line.variantId))) return;
    const rows = await queryForRead<ReservabilityRow[]>(
      this.dataSource,
      `SELECT s.variant_id, s.on_hand - s.reserved AS available, s.max_per_order, s.max_per_customer,
              ${alreadyHeldSql('$1', 's')} AS already_held, ${activeHoldsSql('$1')} AS active_holds
         FROM stock_levels s WHERE s.variant_id = ANY($2::int[])`,
      [ownerId, lines.map((line) => line.variantId)],
    );
    const exposure = exposureOf(rows);
    if (exposure) assertCustomerMayReserve(exposure, lines, this.config.get('MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER'));
    const available = new Map(rows.map((row) => [row.variant_id, row.available]));
    const short = shortLinesOf(lines, (variantId) => available.get(variantId));
    if (short.length > 0) throw new InsufficientStockError(short);
  }
}

interface ReservabilityRow {
  variant_id: number;
  available: number;
  max_per_order: number | null;
  max_per_customer: number | null;
  already_held: number;
  active_holds: number;
}

function exposureOf(rows: readonly ReservabilityRow[]): CustomerExposure | null {
  if (rows.length === 0) return null;
  const limited: CustomerExposure['limited'] = new Map();
  for (const row of rows) {
    if (row.max_per_order === null && row.max_per_customer === null) continue;
    limited.set(row.variant_id, {
      maxPerOrder: row.max_per_order,
      maxPerCustomer: row.max_per_customer,
      alreadyHeld: row.already_held,
    });
  }
  return { activeHolds: rows[0].active_holds, limited };
}
