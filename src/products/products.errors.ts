import { codesOf, ConflictError, DomainError, ErrorDefinitions, NotFoundError } from '../shared/errors';

/** The catalog's own error codes, with the status and OpenAPI title of each. */
export const PRODUCTS_ERRORS = {
  SKU_TAKEN: { status: 409, title: 'The SKU is already in use' },
} as const satisfies ErrorDefinitions;

export const ProductsErrorCode = codesOf(PRODUCTS_ERRORS);

export class CategoryNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('Category', id);
  }
}

export class ProductNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('Product', id);
  }
}

export class VariantNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('Variant', id);
  }
}

export class SkuTakenError extends DomainError {
  constructor(sku: string) {
    super(ProductsErrorCode.SKU_TAKEN, `SKU ${sku} is already used by another variant`);
  }
}

export class CategoryNameTakenError extends ConflictError {
  constructor(name: string) {
    super(`A category named "${name}" already exists under the same parent`);
  }
}

export class CategoryCycleError extends ConflictError {
  constructor(id: number, parentId: number) {
    super(`Category ${parentId} is category ${id} or one of its descendants; a category cannot be its own ancestor`);
  }
}

export class CategoryInUseError extends ConflictError {
  constructor(id: number, what: 'sub-categories' | 'products') {
    super(`Category ${id} still has ${what}; move or delete them first`);
  }
}
