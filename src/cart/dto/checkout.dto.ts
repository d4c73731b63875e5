import { ApiProperty } from '@nestjs/swagger';
import { RESERVATION_STATUSES, ReservationStatus, ReservationView } from '../../inventory';
import { ApiMoneyProperty } from '../../shared/money';

export class CheckoutLineDto {
  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ example: 'TSHIRT-BLK-M', description: 'The SKU when the cart was checked out' })
  sku!: string;

  @ApiProperty({ example: 2 })
  quantity!: number;

  @ApiMoneyProperty("The line's price snapshot: what the reservation charges for one unit")
  unitPrice!: string;

  @ApiMoneyProperty('unitPrice x quantity')
  lineTotal!: string;
}

/** The reservation a checkout made of the cart: the same fields as GET /api/reservations/:id answers. */
export class CheckoutDto {
  @ApiProperty({ format: 'uuid', description: 'The reservation id (confirm or cancel it under /api/reservations)' })
  id!: string;

  @ApiProperty({ enum: RESERVATION_STATUSES, enumName: 'ReservationStatus' })
  status!: ReservationStatus;

  @ApiProperty({ format: 'date-time', description: 'When the stock is released unless confirmed' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time', description: 'The latest expiresAt an extension can reach' })
  maxExpiresAt!: string;

  @ApiProperty({ example: 0, description: 'How many times the hold was extended' })
  extendedCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it left ACTIVE' })
  closedAt!: string | null;

  @ApiProperty({ type: [CheckoutLineDto], description: 'In variant id order' })
  items!: CheckoutLineDto[];

  @ApiMoneyProperty('Sum of the line totals')
  total!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  static from(reservation: ReservationView): CheckoutDto {
    return {
      id: reservation.id,
      status: reservation.status,
      expiresAt: reservation.expiresAt.toISOString(),
      maxExpiresAt: reservation.maxExpiresAt.toISOString(),
      extendedCount: reservation.extendedCount,
      createdAt: reservation.createdAt.toISOString(),
      closedAt: reservation.closedAt?.toISOString() ?? null,
      items: reservation.items.map((item) => ({
        variantId: item.variantId,
        sku: item.sku,
        quantity: item.quantity,
        unitPrice: item.unitPrice.format(),
        lineTotal: item.lineTotal.format(),
      })),
      total: reservation.total.format(),
      currency: reservation.currency,
    };
  }
}
