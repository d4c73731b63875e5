import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { CatalogService } from '../products';
import { CreatePricingRuleDto, PricingRuleListQueryDto, UpdatePricingRuleDto } from './dto/pricing-rule.dto';
import { RuleDefinition } from './price-rule';
import { assignDefinition, PricingRule, toPriceRule } from './pricing-rule.entity';
import { PricingRulesCache } from './pricing-rules.cache';
import { PricingRuleNotFoundError, ScopeTargetNotFoundError } from './pricing.errors';
import { parseRuleDefinition, RuleInput, toRuleInput } from './rule-definition';

/** Admin writes and reads of the rules; every write refreshes this instance's rule cache before it answers. */
@Injectable()
export class PricingRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PricingRule) private readonly rules: Repository<PricingRule>,
    private readonly catalog: CatalogService,
    private readonly cache: PricingRulesCache,
  ) {}

  async create(input: CreatePricingRuleDto): Promise<PricingRule> {
    const definition = parseRuleDefinition({
      ...input,
      priority: input.priority ?? 0,
      stackable: input.stackable ?? true,
      active: input.active ?? true,
    });
    await this.assertScopeTargetExists(definition);
    const saved = await this.rules.save(assignDefinition(this.rules.create(), definition));
    await this.cache.reloadAfterWrite();
    return saved;
  }

  async list(query: PricingRuleListQueryDto): Promise<[PricingRule[], number]> {
    // TypeORM 1 refuses undefined values in a where: only the filters given go in.
    const filters = { kind: query.kind, scopeType: query.scopeType, scopeId: query.scopeId, active: query.active };
    const where = Object.fromEntries(
      Object.entries(filters).filter(([, value]) => value !== undefined),
    ) as FindOptionsWhere<PricingRule>;
    return this.rules.findAndCount({ where, order: { id: 'ASC' }, take: query.limit, skip: query.offset });
  }

  async get(id: number): Promise<PricingRule> {
    const rule = await this.rules.findOneBy({ id });
    if (!rule) throw new PricingRuleNotFoundError(id);
    return rule;
  }

  /** Merges the given fields over the stored rule and checks the result as a whole. */
  async update(id: number, input: UpdatePricingRuleDto): Promise<PricingRule> {
    const saved = await this.dataSource.transaction(async (tx) => {
      // Locked, so a concurrent delete cannot be undone by this save re-inserting the row.
      const rule = await tx.getRepository(PricingRule).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!rule) throw new PricingRuleNotFoundError(id);
      const definition = parseRuleDefinition({ ...toRuleInput(toPriceRule(rule)), ...definedFields(input) });
      if (input.scope !== undefined) await this.assertScopeTargetExists(definition);
      return tx.getRepository(PricingRule).save(assignDefinition(rule, definition));
    });
    await this.cache.reloadAfterWrite();
    return saved;
  }

  async remove(id: number): Promise<void> {
    const result = await this.rules.delete({ id });
    if (!result.affected) throw new PricingRuleNotFoundError(id);
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
