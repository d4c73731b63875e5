import { Injectable, Logger } from '@nestjs/common';
import { InventoryService } from '../inventory';
import { CartRepository, UnsettledCart } from './cart.repository';

const BATCH_SIZE = 500;

/**
 * Brings checked-out carts in line with their reservations from the database alone: a
 * cart whose reservation was cancelled or expired becomes ACTIVE again (unless a newer
 * cart took its place), one whose reservation was confirmed is settled. The in-process
 * `reservation.released` event does the same at once; this makes a lost event, a failed
 * listener or a crash between commit and event harmless.
 */
@Injectable()
export class CartReconciler {
  private readonly logger = new Logger(CartReconciler.name);
  /** The pass under way in this process, if any: later calls share it. */
  private pass?: Promise<{ reactivated: number; settled: number }>;

  constructor(
    private readonly carts: CartRepository,
    private readonly inventory: InventoryService,
  ) {}

  reconcile(): Promise<{ reactivated: number; settled: number }> {
    this.pass ??= this.reconcileAll().finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async reconcileAll(): Promise<{ reactivated: number; settled: number }> {
    const totals = { reactivated: 0, settled: 0 };
    for (let after: UnsettledCart | null = null; ;) {
      const carts = await this.carts.findUnsettled(after, BATCH_SIZE);
      if (carts.length === 0) break;
      const outcome = await this.reconcileBatch(carts);
      totals.reactivated += outcome.reactivated;
      totals.settled += outcome.settled;
      if (carts.length < BATCH_SIZE) break;
      after = carts[carts.length - 1];
    }
    if (totals.reactivated > 0) this.logger.log(totals, 'Carts given back after their reservation was released');
    return totals;
  }

  private async reconcileBatch(carts: UnsettledCart[]): Promise<{ reactivated: number; settled: number }> {
    const statuses = await this.inventory.getReservationStatuses(carts.map((cart) => cart.reservationId));
    const stayCheckedOut: string[] = [];
    let reactivated = 0;
    for (const cart of carts) {
      const status = statuses.get(cart.reservationId);
      if (status === 'ACTIVE') continue;
      if (status === 'CONFIRMED') {
        stayCheckedOut.push(cart.id);
      } else if (await this.carts.reactivate(cart.id, cart.reservationId)) {
        // Released (or, against every constraint, gone): the customer gets the cart back.
        reactivated++;
      } else {
        stayCheckedOut.push(cart.id);
      }
    }
    return { reactivated, settled: await this.carts.settle(stayCheckedOut) };
  }
}
