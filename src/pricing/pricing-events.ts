import { ApiProperty } from '@nestjs/swagger';
import { defineEvents, NewOutboxEvent } from '../outbox';
import { RULE_KINDS, RuleKind, StoredRule } from './rule';

export const RULE_CHANGES = ['CREATED', 'UPDATED', 'DELETED'] as const;
export type RuleChange = (typeof RULE_CHANGES)[number];

/** `price.rules_changed`: prices may differ from now on; quotes and cart snapshots taken before keep theirs. */
export class PriceRulesChangedPayload {
  @ApiProperty({ example: 7 })
  ruleId!: number;

  @ApiProperty({
    enum: RULE_CHANGES,
    enumName: 'PricingRuleChange',
    description: 'A deactivation is UPDATED with active false',
  })
  change!: RuleChange;

  @ApiProperty({ enum: RULE_KINDS, enumName: 'PricingRuleKind', nullable: true, description: 'Null for DELETED' })
  kind!: RuleKind | null;

  @ApiProperty({ type: 'boolean', nullable: true, description: 'Null for DELETED' })
  active!: boolean | null;
}

/** What pricing publishes. */
export const PRICING_EVENTS = defineEvents({
  'price.rules_changed': { aggregate: 'pricing-rule', payload: PriceRulesChangedPayload },
});

export function ruleChangedEvent(
  ruleId: number,
  change: RuleChange,
  rule: StoredRule | null,
): NewOutboxEvent<PriceRulesChangedPayload> {
  return {
    type: 'price.rules_changed',
    aggregateType: 'pricing-rule',
    aggregateId: ruleId,
    payload: { ruleId, change, kind: rule?.kind ?? null, active: rule?.active ?? null },
  };
}
