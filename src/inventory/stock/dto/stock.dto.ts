import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { PageDto, PageQueryDto, trimToNull } from '../../../shared/http';
import { MAX_ON_HAND } from '../stock-level.entity';
import { MOVEMENT_REASONS, MovementReason } from '../stock-movement.entity';
import { STOCK_STATE_CAUSES, STOCK_STATES, StockState, StockStateCause } from '../stock-state';
import { StockAvailability, StockHold, StockLimits, StockMovementView, StockStateChangeView } from '../stock-views';
import type { StockAudit } from '../stock.service';

/** The most units a purchase limit may name (a cart line holds far fewer). */
const MAX_PURCHASE_LIMIT = 1_000_000;
/** The longest purchase-limit window: a year. */
const MAX_LIMIT_WINDOW_SECONDS = 366 * 86_400;

export class StockLimitsDto implements StockLimits {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 2,
    description: 'Most units of the variant per order (cart line); null: no cap',
  })
  maxPerOrder!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 2,
    description:
      'Most units one customer may hold (ACTIVE) or have bought (CONFIRMED) within windowSeconds; null: no cap',
  })
  maxPerCustomer!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 86400,
    description: 'The window maxPerCustomer counts over, in seconds; null: every reservation the customer ever made',
  })
  windowSeconds!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 5,
    description: 'Available units at or below which the variant is LOW_STOCK; null: the LOW_STOCK_THRESHOLD setting',
  })
  lowStockThreshold!: number | null;
}

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

  @ApiProperty({
    enum: STOCK_STATES,
    enumName: 'StockState',
    description: 'OUT_OF_STOCK when nothing is available, LOW_STOCK at or below the threshold, else IN_STOCK',
  })
  state!: StockState;

  @ApiProperty({
    type: 'integer',
    example: 7,
    description: 'Raised by every change of the stock; the ETag header carries it quoted, for If-Match',
  })
  version!: number;

  @ApiProperty({ type: StockLimitsDto })
  limits!: StockLimitsDto;

  @ApiProperty({ format: 'date-time', description: 'When these figures were read or written' })
  asOf!: string;

  static from(level: StockAvailability): StockLevelDto {
    return {
      variantId: level.variantId,
      onHand: level.onHand,
      reserved: level.reserved,
      available: level.available,
      state: level.state,
      version: level.version,
      limits: { ...level.limits },
      asOf: level.asOf.toISOString(),
    };
  }
}

export class StockLevelPageDto extends PageDto(StockLevelDto, 'StockLevelPage') {}

export class ListStockQueryDto extends PageQueryDto {
  @ApiProperty({
    enum: STOCK_STATES,
    enumName: 'StockState',
    description: 'The state to list (LOW_STOCK and OUT_OF_STOCK: what to restock)',
  })
  @IsIn(STOCK_STATES)
  state!: StockState;
}

/** Optional expected on-hand: the compare-and-set of a client that has no ETag at hand. */
function ExpectedOnHand() {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 0,
      maximum: MAX_ON_HAND,
      example: 10,
      description: 'Write only if on hand is this figure now; else 409 STOCK_CHANGED with the current figures',
    }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(MAX_ON_HAND),
  );
}

export class SetStockDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_ON_HAND, example: 10, description: 'Counted units on hand' })
  @IsInt()
  @Min(0)
  @Max(MAX_ON_HAND)
  onHand!: number;

  @ExpectedOnHand()
  expectedOnHand?: number;
}

/** Absent fields keep their value; null removes a limit (or restores the default threshold). */
export class SetStockLimitsDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_PURCHASE_LIMIT, example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PURCHASE_LIMIT)
  maxPerOrder?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_PURCHASE_LIMIT, example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PURCHASE_LIMIT)
  maxPerCustomer?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_LIMIT_WINDOW_SECONDS,
    example: 86400,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT_WINDOW_SECONDS)
  windowSeconds?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_ON_HAND, example: 5 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ON_HAND)
  lowStockThreshold?: number | null;
}

export class StockHoldDto {
  @ApiProperty({ format: 'uuid' })
  reservationId!: string;

  @ApiProperty({ example: 'alice', description: 'The customer holding the units' })
  ownerId!: string;

  @ApiProperty({ example: 2, description: 'Units of the variant the reservation holds' })
  quantity!: number;

  @ApiProperty({ format: 'date-time', description: 'When the hold ends unless confirmed or extended' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(hold: StockHold): StockHoldDto {
    return { ...hold, expiresAt: hold.expiresAt.toISOString(), createdAt: hold.createdAt.toISOString() };
  }
}

export class StockHoldPageDto extends PageDto(StockHoldDto, 'StockHoldPage') {}

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

  @ExpectedOnHand()
  expectedOnHand?: number;
}

export class StockMovementDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({
    example: 'DEFAULT',
    description: 'The code of the location the units moved at (DEFAULT while the shop has one location)',
  })
  location!: string;

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

export class StockStateChangeDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ enum: STOCK_STATES, enumName: 'StockState' })
  from!: StockState;

  @ApiProperty({ enum: STOCK_STATES, enumName: 'StockState' })
  to!: StockState;

  @ApiProperty({
    type: 'string',
    nullable: true,
    enum: ['stock.low', 'stock.out', 'stock.back_in_stock'],
    description: 'The event it announced; null for a rise from LOW_STOCK to IN_STOCK',
  })
  event!: string | null;

  @ApiProperty({
    enum: STOCK_STATE_CAUSES,
    enumName: 'StockStateCause',
    description: 'The ledger reason of the write, or THRESHOLD for a new threshold',
  })
  cause!: StockStateCause;

  @ApiProperty({ example: 5, description: 'On hand after the change' })
  onHand!: number;

  @ApiProperty({ example: 5, description: 'Reserved after the change' })
  reserved!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(change: StockStateChangeView): StockStateChangeDto {
    return {
      id: change.id,
      variantId: change.variantId,
      from: change.fromState,
      to: change.toState,
      event: change.event,
      cause: change.cause,
      onHand: change.onHand,
      reserved: change.reserved,
      createdAt: change.createdAt.toISOString(),
    };
  }
}

export class StockStateChangePageDto extends PageDto(StockStateChangeDto, 'StockStateChangePage') {}
