import { Rule } from './rule';

/** What decides which scopes cover a variant. */
export interface ScopeTarget {
  variantId: number;
  productId: number;
  /** The product's category first, then each ancestor up to the root. */
  categoryPath: readonly number[];
}

/**
 * Rules grouped by scope, so a quote reads only the few rules that can cover its
 * variant instead of scanning every rule.
 */
export class RuleIndex {
  static readonly EMPTY = new RuleIndex([]);

  private readonly byScope = new Map<string, Rule[]>();

  constructor(readonly rules: readonly Rule[]) {
    for (const rule of rules) {
      const key = scopeKey(rule.scope.type, rule.scope.id);
      const group = this.byScope.get(key) ?? [];
      group.push(rule);
      this.byScope.set(key, group);
    }
  }

  /** Every rule whose scope covers the target, active or not. */
  rulesFor(target: ScopeTarget): Rule[] {
    const keys = [
      scopeKey('VARIANT', target.variantId),
      scopeKey('PRODUCT', target.productId),
      ...target.categoryPath.map((categoryId) => scopeKey('CATEGORY', categoryId)),
      scopeKey('GLOBAL', null),
    ];
    return keys.flatMap((key) => this.byScope.get(key) ?? []);
  }
}

function scopeKey(type: string, id: number | null): string {
  return `${type}:${id ?? ''}`;
}
