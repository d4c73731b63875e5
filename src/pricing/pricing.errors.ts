import { DomainError, ErrorCode, NotFoundError } from '../shared/errors';
import { ScopeType } from './rule';

export class PricingRuleNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('Pricing rule', id);
  }
}

/** A rule's scope names a category, product or variant the catalog does not have (or deleted). */
export class ScopeTargetNotFoundError extends DomainError {
  constructor(type: Exclude<ScopeType, 'GLOBAL'>, id: number) {
    const resource = type.charAt(0) + type.slice(1).toLowerCase();
    super(ErrorCode.NOT_FOUND, `${resource} ${id} (scope.id) was not found`);
  }
}

/** Some quoted variants do not exist or were deleted; `variantIds` lists every one of them. */
export class UnknownVariantsError extends DomainError {
  constructor(readonly variantIds: number[]) {
    const message =
      variantIds.length === 1
        ? `Variant ${variantIds[0]} was not found`
        : `Variants ${variantIds.join(', ')} were not found`;
    super(ErrorCode.NOT_FOUND, message, { variantIds });
  }
}
