import type { ReservationStatus } from './reservation.entity';
import type { MovementReason } from '../stock/stock-movement.entity';

export type ClosedStatus = Exclude<ReservationStatus, 'ACTIVE'>;

/** The ledger reason a reservation's items are recorded under when it closes each way. */
export const LEDGER_REASON_OF_CLOSING: Readonly<Record<ClosedStatus, MovementReason>> = {
  CONFIRMED: 'SALE',
  CANCELLED: 'CANCEL',
  EXPIRED: 'EXPIRE',
};

/** LEDGER_REASON_OF_CLOSING as a SQL expression over a status expression, for set-based closes. */
export function ledgerReasonOfClosingSql(status: string): string {
  const cases = Object.entries(LEDGER_REASON_OF_CLOSING).map(([closed, reason]) => `WHEN '${closed}' THEN '${reason}'`);
  return `CASE ${status} ${cases.join(' ')} END`;
}
