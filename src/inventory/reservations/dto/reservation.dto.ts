import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiMoneyProperty } from '../../../shared/money';
import { RESERVATION_STATUSES, ReservationStatus } from '../reservation.entity';
import { ReservationView } from '../reservation-views';

export class ReservationItemDto {
  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ example: 'TSHIRT-BLK-M', description: 'The SKU when the reservation was made' })
  sku!: string;

  @ApiProperty({ example: 2 })
  quantity!: number;

  @ApiMoneyProperty('Unit price snapshot')
  unitPrice!: string;

  @ApiMoneyProperty('unitPrice x quantity')
  lineTotal!: string;
}

/** A reservation as every route answers it: the reservations routes, and the checkout that made it. */
export class ReservationDto {
  @ApiProperty({ format: 'uuid' })
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

  @ApiProperty({ type: [ReservationItemDto], description: 'In variant id order' })
  items!: ReservationItemDto[];

  @ApiMoneyProperty('Sum of the line totals')
  total!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  static from(reservation: ReservationView): ReservationDto {
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

export class ExtendReservationDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 86_400,
    example: 300,
    description: 'Hold until now + seconds (default RESERVATION_TTL_SECONDS), at most until maxExpiresAt',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  seconds?: number;
}
