import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Env } from '../../shared/config';
import { StockLevel } from './stock-level.entity';
import { MovementReason } from './stock-movement.entity';
import { StockState, stockStateOf } from './stock-state';
import type { NewStockStateChange } from './stock.repository';

/** A variant's purchase limits and low-stock threshold; null: none (the default threshold). */
export interface StockLimits {
  maxPerOrder: number | null;
  maxPerCustomer: number | null;
  windowSeconds: number | null;
  lowStockThreshold: number | null;
}

export interface StockAvailability {
  variantId: number;
  onHand: number;
  reserved: number;
  /** Units a new reservation can take: on-hand minus reserved. */
  available: number;
  state: StockState;
  /** Raised by every change of the row: the ETag of the stock. 0 for a variant never stocked. */
  version: number;
  limits: StockLimits;
  /** When the figures were read (or written). */
  asOf: Date;
}

/** A recorded change of a variant's stock state. */
export interface StockStateChangeView extends NewStockStateChange {
  id: number;
  createdAt: Date;
}

/** One ACTIVE reservation holding units of a variant. */
export interface StockHold {
  reservationId: string;
  ownerId: string;
  quantity: number;
  expiresAt: Date;
  createdAt: Date;
}

export interface StockMovementView {
  id: number;
  variantId: number;
  /** The code of the location the units moved at. */
  location: string;
  reason: MovementReason;
  delta: number;
  reservedDelta: number;
  onHandAfter: number;
  reservedAfter: number;
  reservationId: string | null;
  actor: string | null;
  note: string | null;
  createdAt: Date;
}

export interface StockDrift {
  variantId: number;
  onHand: number;
  ledgerOnHand: number;
  reserved: number;
  activeReserved: number;
}

const NEVER_STOCKED: Omit<StockLevel, 'variantId'> = {
  onHand: 0,
  reserved: 0,
  version: 0,
  maxPerOrder: null,
  maxPerCustomer: null,
  limitWindowSeconds: null,
  lowStockThreshold: null,
  updatedAt: new Date(0),
};

/**
 * The rules that turn a stock row into what callers see: its state (with the variant's own
 * low-stock threshold, else LOW_STOCK_THRESHOLD) and its availability. The repository reads
 * rows; the services and the repository's availability reads use these.
 */
@Injectable()
export class StockViews {
  /** Available units at or below which a variant without its own threshold is LOW_STOCK. */
  readonly defaultLowStockThreshold: number;

  constructor(config: ConfigService<Env, true>) {
    this.defaultLowStockThreshold = config.get('LOW_STOCK_THRESHOLD', { infer: true });
  }

  /** The variant's state with its own threshold, else the default one. */
  stateOf(level: Pick<StockLevel, 'onHand' | 'reserved' | 'lowStockThreshold'>): StockState {
    return stockStateOf(level.onHand - level.reserved, level.lowStockThreshold ?? this.defaultLowStockThreshold);
  }

  /** What a stock row shows (a never-stocked variant has `level` null: zeros, no limits). */
  availabilityOf(variantId: number, level: StockLevel | null, asOf: Date): StockAvailability {
    const row = level ?? { ...NEVER_STOCKED, variantId };
    return {
      variantId,
      onHand: row.onHand,
      reserved: row.reserved,
      available: row.onHand - row.reserved,
      state: this.stateOf(row),
      version: row.version,
      limits: {
        maxPerOrder: row.maxPerOrder,
        maxPerCustomer: row.maxPerCustomer,
        windowSeconds: row.limitWindowSeconds,
        lowStockThreshold: row.lowStockThreshold,
      },
      asOf,
    };
  }
}
