import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { RuleKind, RuleDefinition, ScopeType, StoredRule } from './rule';
import { assignDefinition, PricingRule, storedRuleOf } from './pricing-rule.entity';

export interface RuleFilter {
  kind?: RuleKind;
  scopeType?: ScopeType;
  scopeId?: number;
  active?: boolean;
}

/** The pricing rules' queries; rows become plain rules here and nowhere else. */
@Injectable()
export class PricingRuleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every rule, in id order. */
  async findAll(): Promise<StoredRule[]> {
    const rows = await this.dataSource.getRepository(PricingRule).find({ order: { id: 'ASC' } });
    return rows.map(storedRuleOf);
  }

  async findPage(filter: RuleFilter, limit: number, offset: number): Promise<[StoredRule[], number]> {
    // TypeORM 1 refuses undefined values in a where: only the filters given go in.
    const where = Object.fromEntries(
      Object.entries(filter).filter(([, value]) => value !== undefined),
    ) as FindOptionsWhere<PricingRule>;
    const [rows, total] = await this.dataSource
      .getRepository(PricingRule)
      .findAndCount({ where, order: { id: 'ASC' }, take: limit, skip: offset });
    return [rows.map(storedRuleOf), total];
  }

  async findById(id: number): Promise<StoredRule | null> {
    const row = await this.dataSource.getRepository(PricingRule).findOneBy({ id });
    return row && storedRuleOf(row);
  }

  async insert(tx: EntityManager, definition: RuleDefinition): Promise<StoredRule> {
    const rules = tx.getRepository(PricingRule);
    return storedRuleOf(await rules.save(assignDefinition(rules.create(), definition)));
  }

  /** The rule, locked (FOR UPDATE) until `tx` ends, so a concurrent delete cannot be undone by a save; null when none. */
  async lock(tx: EntityManager, id: number): Promise<StoredRule | null> {
    const row = await tx.getRepository(PricingRule).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return row && storedRuleOf(row);
  }

  /** Writes the definition over the rule (locked in `tx`), clearing the columns of other kinds. */
  async update(tx: EntityManager, id: number, definition: RuleDefinition): Promise<StoredRule> {
    const rules = tx.getRepository(PricingRule);
    const row = await rules.findOneByOrFail({ id });
    return storedRuleOf(await rules.save(assignDefinition(row, definition)));
  }

  /** Deletes the rule; false when there was none. */
  async delete(tx: EntityManager, id: number): Promise<boolean> {
    const result = await tx.getRepository(PricingRule).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
