import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import { afterCommit } from '../shared/database';
import { StockLevel } from './stock-level.entity';
import { StockStateCause, StockStateChangedEvent, stockEventOf } from './stock-state';
import { NewStockStateChange, StockFigures, StockRepository } from './stock.repository';

/** Stock rows one write moved, and why. A row moved twice in a transaction counts with its last figures. */
export interface StockMoves {
  figures: readonly StockFigures[];
  cause: StockStateCause;
}

/**
 * Finds the stock states a transaction changed, from the rows it locked before writing and
 * the figures its writes returned, records them with the transaction, and announces them
 * after its commit. Only the net change counts: a state the transaction passed through and
 * left again was never visible to anyone.
 */
@Injectable()
export class StockStateRecorder {
  private readonly logger = new Logger(StockStateRecorder.name);

  constructor(
    private readonly stock: StockRepository,
    private readonly events: EventEmitter2,
  ) {}

  async record(tx: EntityManager, lockedBefore: Iterable<StockLevel>, moves: readonly StockMoves[]): Promise<void> {
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
    for (const [variantId, { figures, cause, threshold }] of after) {
      const fromState = this.stock.stateOf(before.get(variantId)!);
      const toState = this.stock.stateOf({ ...figures, lowStockThreshold: threshold });
      if (fromState === toState) continue;
      const event = stockEventOf(fromState, toState);
      changes.push({ variantId, fromState, toState, event, cause, onHand: figures.onHand, reserved: figures.reserved });
    }
    if (changes.length === 0) return;
    await this.stock.recordStateChanges(tx, changes);
    afterCommit(tx, () => this.announce(changes));
  }

  private announce(changes: readonly NewStockStateChange[]): void {
    const changedAt = new Date();
    for (const change of changes) {
      if (change.event === null) continue;
      const event: StockStateChangedEvent = {
        variantId: change.variantId,
        from: change.fromState,
        to: change.toState,
        onHand: change.onHand,
        reserved: change.reserved,
        available: change.onHand - change.reserved,
        cause: change.cause,
        changedAt,
      };
      this.events.emit(change.event, event);
    }
    this.logger.debug({ count: changes.length }, 'Stock states changed');
  }
}
