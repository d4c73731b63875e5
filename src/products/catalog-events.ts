import { ApiProperty } from '@nestjs/swagger';
import { defineEvents, NewOutboxEvent } from '../outbox';

export const VARIANT_CHANGES = ['CREATED', 'UPDATED', 'DELETED'] as const;
export type VariantChange = (typeof VARIANT_CHANGES)[number];

/** `catalog.variant_changed`: read the variant again (`GET /api/variants/:id`) unless it was DELETED. */
export class VariantChangedPayload {
  @ApiProperty({ example: 12 })
  variantId!: number;

  @ApiProperty({ example: 3 })
  productId!: number;

  @ApiProperty({ example: 'TSHIRT-BLK-M' })
  sku!: string;

  @ApiProperty({
    enum: VARIANT_CHANGES,
    enumName: 'VariantChange',
    description: 'UPDATED also when its product changed (name, price, category), as the variant reads them',
  })
  change!: VariantChange;
}

/** What the catalog publishes. */
export const CATALOG_EVENTS = defineEvents({
  'catalog.variant_changed': { aggregate: 'variant', payload: VariantChangedPayload },
});

export function variantChangedEvents(
  variants: readonly { id: number; productId: number; sku: string }[],
  change: VariantChange,
): NewOutboxEvent<VariantChangedPayload>[] {
  return variants.map((variant) => ({
    type: 'catalog.variant_changed',
    aggregateType: 'variant',
    aggregateId: variant.id,
    payload: { variantId: variant.id, productId: variant.productId, sku: variant.sku, change },
  }));
}
