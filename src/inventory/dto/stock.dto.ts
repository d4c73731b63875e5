import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { PageDto, trimToNull } from '../../shared/http';
import { MAX_ON_HAND } from '../stock-level.entity';
import { MOVEMENT_REASONS, MovementReason } from '../stock-movement.entity';
import { StockAvailability, StockMovementView } from '../stock.repository';
import { StockAudit } from '../stock.service';

/** Reasons an admin may give; the reservation lifecycle records the others itself. */
export const ADJUSTMENT_REASONS = ['RESTOCK', 'RETURN', 'DAMAGE', 'ADJUSTMENT'] as const satisfies MovementReason[];
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export class StockLevelDto {
  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ example: 10, description: 'Units in the warehouse' })
  onHand!: number;

  @ApiProperty({ example: 2, description: 'Units held by active reservations' })
  reserved!: number;

  @ApiProperty({ example: 8, description: 'Units that can still be reserved: onHand - reserved' })
  available!: number;

  static from(level: StockAvailability): StockLevelDto {
    return { variantId: level.variantId, onHand: level.onHand, reserved: level.reserved, available: level.available };
  }
}

export class SetStockDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_ON_HAND, example: 10, description: 'Counted units on hand' })
  @IsInt()
  @Min(0)
  @Max(MAX_ON_HAND)
  onHand!: number;
}

export class CreateAdjustmentDto {
  @ApiProperty({
    type: 'integer',
    minimum: -MAX_ON_HAND,
    maximum: MAX_ON_HAND,
    example: 5,
    description: 'Units added (positive) or removed (negative); never 0. RESTOCK and RETURN add, DAMAGE removes.',
  })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_ON_HAND)
  @Max(MAX_ON_HAND)
  delta!: number;

  @ApiProperty({ enum: ADJUSTMENT_REASONS, enumName: 'AdjustmentReason', example: 'RESTOCK' })
  @IsIn(ADJUSTMENT_REASONS)
  reason!: AdjustmentReason;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, example: 'Delivery 4711' })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(500)
  note?: string | null;
}

export class StockMovementDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ enum: MOVEMENT_REASONS, enumName: 'MovementReason' })
  reason!: MovementReason;

  @ApiProperty({ example: 5, description: 'Change of on-hand units' })
  delta!: number;

  @ApiProperty({ example: 0, description: 'Change of reserved units' })
  reservedDelta!: number;

  @ApiProperty({ example: 15 })
  onHandAfter!: number;

  @ApiProperty({ example: 0 })
  reservedAfter!: number;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  reservationId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The admin who made the movement' })
  actor!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  note!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(movement: StockMovementView): StockMovementDto {
    return { ...movement, createdAt: movement.createdAt.toISOString() };
  }
}

export class StockMovementPageDto extends PageDto(StockMovementDto, 'StockMovementPage') {}

export class StockDriftDto {
  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ example: 10 })
  onHand!: number;

  @ApiProperty({ example: 10, description: 'Sum of the ledger deltas' })
  ledgerOnHand!: number;

  @ApiProperty({ example: 2 })
  reserved!: number;

  @ApiProperty({ example: 2, description: 'Units of ACTIVE reservation items' })
  activeReserved!: number;
}

export class StuckReservationDto {
  @ApiProperty({ format: 'uuid' })
  reservationId!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class StockAuditDto {
  @ApiProperty({ description: 'True when no variant drifts and no reservation is stuck' })
  consistent!: boolean;

  @ApiProperty({ type: [StockDriftDto] })
  drift!: StockDriftDto[];

  @ApiProperty({
    type: [StuckReservationDto],
    description:
      'Reservations still ACTIVE more than RESERVATION_STUCK_GRACE_SECONDS after their expiry: their stock is ' +
      'held although nobody can buy it (the expiry sweep is not running). Oldest first, at most 1000.',
  })
  stuck!: StuckReservationDto[];

  static from(audit: StockAudit): StockAuditDto {
    return {
      consistent: audit.drift.length === 0 && audit.stuck.length === 0,
      drift: audit.drift,
      stuck: audit.stuck.map((reservation) => ({
        reservationId: reservation.reservationId,
        expiresAt: reservation.expiresAt.toISOString(),
      })),
    };
  }
}
