import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { Env } from '../../shared/config';
import { InsufficientStockError } from '../inventory.errors';
import { assertCustomerMayReserve, RequestedUnits } from './purchase-limits';
import { shortLinesOf } from './reserve-lines';
import { StockRepository } from '../stock/stock.repository';

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

  private readonly lowStockThreshold: number;
  private readonly maxHolds: number;

  constructor(
    private readonly stock: StockRepository,
    config: ConfigService<Env, true>,
  ) {
    // Read once: every checkout passes here, and settings do not change while the process runs.
    this.lowStockThreshold = config.get('LOW_STOCK_THRESHOLD', { infer: true });
    this.maxHolds = config.get('MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER', { infer: true });
  }

  /** Notes the lines' variants as a reserve found them under its locks: scarce or not. */
  noteReserving(lines: readonly RequestedUnits[], availableOf: (variantId: number) => number | undefined): void {
    const threshold = this.lowStockThreshold;
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
    const { exposure, available } = await this.stock.findReservability(
      ownerId,
      lines.map((line) => line.variantId),
    );
    if (exposure) assertCustomerMayReserve(exposure, lines, this.maxHolds);
    const short = shortLinesOf(lines, (variantId) => available.get(variantId));
    if (short.length > 0) throw new InsufficientStockError(short);
  }
}
