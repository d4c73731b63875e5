import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogService } from '../products';
import { OutboxService } from '../outbox';
import { InvalidationBus } from '../shared/bus';
import { CreatePricingRuleDto, PricingRuleListQueryDto, UpdatePricingRuleDto } from './dto/pricing-rule.dto';
import { RuleDefinition, StoredRule } from './rule';
import { PricingRuleRepository } from './pricing-rule.repository';
import { PricingRulesCache } from './pricing-rules.cache';
import { PricingRuleNotFoundError, ScopeTargetNotFoundError } from './pricing.errors';
import { parseRuleDefinition, RuleInput, toRuleInput } from './rule-definition';
import { RULES_CHANGED } from './pricing-rules.cache';
import { ruleChangedEvent } from './pricing-events';

/**
 * Admin writes and reads of the rules. Every write tells every instance through the
 * invalidation bus when it commits, and refreshes this instance's rule cache before it
 * answers.
 */
@Injectable()
export class PricingRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: PricingRuleRepository,
    private readonly catalog: CatalogService,
    private readonly cache: PricingRulesCache,
    private readonly bus: InvalidationBus,
    private readonly outbox: OutboxService,
  ) {}

  async create(input: CreatePricingRuleDto): Promise<StoredRule> {
    const definition = parseRuleDefinition({
      ...input,
      priority: input.priority ?? 0,
      stackable: input.stackable ?? true,
      active: input.active ?? true,
    });
    await this.assertScopeTargetExists(definition);
    const saved = await this.dataSource.transaction(async (tx) => {
      await this.bus.publish(tx, RULES_CHANGED);
      const inserted = await this.rules.insert(tx, definition);
      await this.outbox.publish(tx, [ruleChangedEvent(inserted.id, 'CREATED', inserted)]);
      return inserted;
    });
    await this.cache.reloadAfterWrite();
    return saved;
  }

  list(query: PricingRuleListQueryDto): Promise<[StoredRule[], number]> {
    const filter = { kind: query.kind, scopeType: query.scopeType, scopeId: query.scopeId, active: query.active };
    return this.rules.findPage(filter, query.limit, query.offset);
  }

  async get(id: number): Promise<StoredRule> {
    const rule = await this.rules.findById(id);
    if (!rule) throw new PricingRuleNotFoundError(id);
    return rule;
  }

  /** Merges the given fields over the stored rule and checks the result as a whole. */
  async update(id: number, input: UpdatePricingRuleDto): Promise<StoredRule> {
    const saved = await this.dataSource.transaction(async (tx) => {
      const rule = await this.rules.lock(tx, id);
      if (!rule) throw new PricingRuleNotFoundError(id);
      const definition = parseRuleDefinition({ ...toRuleInput(rule), ...definedFields(input) });
      if (input.scope !== undefined) await this.assertScopeTargetExists(definition);
      await this.bus.publish(tx, RULES_CHANGED);
      const updated = await this.rules.update(tx, id, definition);
      await this.outbox.publish(tx, [ruleChangedEvent(id, 'UPDATED', updated)]);
      return updated;
    });
    await this.cache.reloadAfterWrite();
    return saved;
  }

  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      if (!(await this.rules.delete(tx, id))) throw new PricingRuleNotFoundError(id);
      await this.bus.publish(tx, RULES_CHANGED);
      await this.outbox.publish(tx, [ruleChangedEvent(id, 'DELETED', null)]);
    });
    await this.cache.reloadAfterWrite();
  }

  private async assertScopeTargetExists({ scope }: RuleDefinition): Promise<void> {
    let exists: boolean;
    switch (scope.type) {
      case 'GLOBAL':
        return;
      case 'CATEGORY':
        exists = await this.catalog.categoryExists(scope.id);
        break;
      case 'PRODUCT':
        exists = await this.catalog.productExists(scope.id);
        break;
      case 'VARIANT':
        exists = (await this.catalog.findVariant(scope.id)) !== null;
        break;
    }
    if (!exists) throw new ScopeTargetNotFoundError(scope.type, scope.id);
  }
}

/** The fields a PATCH body actually carries (class-transformer leaves absent ones undefined). */
function definedFields(input: UpdatePricingRuleDto): Partial<RuleInput> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
