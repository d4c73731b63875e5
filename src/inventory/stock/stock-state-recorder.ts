import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NewOutboxEvent, OutboxService } from '../../outbox';
import { stockChangedEvent, stockStateEvent } from '../inventory-events';
import { StockLevel } from './stock-level.entity';
import { StockStateCause, stockEventOf } from './stock-state';
import { NewStockStateChange, StockFigures, StockRepository } from './stock.repository';
import { StockViews } from './stock-views';

/** Stock rows one write moved, and why. A row moved twice in a transaction counts with its last figures. */
export interface StockMoves {
  figures: readonly StockFigures[];
  cause: StockStateCause;
}

/** What a transaction's stock writes changed: the events to publish and the changes of state to record. */
export interface StockStateOutcome {
  events: NewOutboxEvent[];
  changes: NewStockStateChange[];
}

/**
 * Finds what a transaction did to stock rows, from the rows it locked before writing and
 * the figures its writes returned: it publishes `stock.changed` for every row whose
 * figures moved and `stock.low|out|back_in_stock` for every change of state to the outbox,
 * and records the state changes, all with the transaction. The outbox is their only
 * channel: nothing in this process listens for a change of stock state, so none is emitted
 * in-process. Only the net change counts: a state the transaction passed through and left
 * again was never visible to anyone.
 */
@Injectable()
export class StockStateRecorder {
  constructor(
    private readonly stock: StockRepository,
    private readonly views: StockViews,
    private readonly outbox: OutboxService,
  ) {}

  async record(tx: EntityManager, lockedBefore: Iterable<StockLevel>, moves: readonly StockMoves[]): Promise<void> {
    const outcome = this.outcomeOf(lockedBefore, moves);
    await this.outbox.publish(tx, outcome.events);
    await this.recordChanges(tx, outcome.changes);
  }

  /**
   * The events and changes of state that `moves` make of the rows as they were locked,
   * for a writer that records the events itself (with the statement that moves the stock).
   */
  outcomeOf(lockedBefore: Iterable<StockLevel>, moves: readonly StockMoves[]): StockStateOutcome {
    const before = new Map([...lockedBefore].map((level) => [level.variantId, level]));
    const after = new Map<number, { figures: StockFigures; cause: StockStateCause; threshold: number | null }>();
    for (const move of moves) {
      for (const figures of move.figures) {
        const locked = before.get(figures.variantId);
        if (!locked) continue;
        // A threshold the write set wins, null (the default) included; else the one the row had.
        const earlier = after.get(figures.variantId);
        const threshold =
          figures.lowStockThreshold !== undefined
            ? figures.lowStockThreshold
            : earlier
              ? earlier.threshold
              : locked.lowStockThreshold;
        after.set(figures.variantId, { figures, cause: move.cause, threshold });
      }
    }
    const changes: NewStockStateChange[] = [];
    const events: NewOutboxEvent[] = [];
    for (const [variantId, { figures, cause, threshold }] of after) {
      const locked = before.get(variantId)!;
      const fromState = this.views.stateOf(locked);
      const toState = this.views.stateOf({ ...figures, lowStockThreshold: threshold });
      if (figures.onHand !== locked.onHand || figures.reserved !== locked.reserved) {
        events.push(stockChangedEvent(figures, toState, cause));
      }
      if (fromState === toState) continue;
      const event = stockEventOf(fromState, toState);
      const change = {
        variantId,
        fromState,
        toState,
        event,
        cause,
        onHand: figures.onHand,
        reserved: figures.reserved,
      };
      changes.push(change);
      const stateEvent = stockStateEvent(change);
      if (stateEvent) events.push(stateEvent);
    }
    return { events, changes };
  }

  /** Records changes of state within `tx`; their events are the caller's to publish (see outcomeOf). */
  async recordChanges(tx: EntityManager, changes: readonly NewStockStateChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.stock.recordStateChanges(tx, changes);
  }
}
