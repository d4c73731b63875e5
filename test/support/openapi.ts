import { TestApp } from './test-app';
import { UNKNOWN_UUID } from './ids';

/** The parts of the app's OpenAPI document (GET /docs-json) the tests read. */
export interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string; format?: string } }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
export type OpenApiDocument = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: {
    securitySchemes?: Record<string, { type: string; scheme?: string }>;
    schemas?: Record<string, Record<string, unknown>>;
  };
};

export const EXPECTED_OPERATION_IDS = [
  'createCategory',
  'listCategories',
  'getCategory',
  'updateCategory',
  'deleteCategory',
  'createProduct',
  'listProducts',
  'getProduct',
  'updateProduct',
  'deleteProduct',
  'createVariant',
  'listVariants',
  'getVariant',
  'updateVariant',
  'deleteVariant',
  'getStock',
  'setStock',
  'adjustStock',
  'listStockMovements',
  'auditStock',
  'setStockLimits',
  'listReservationHolds',
  'listStockByState',
  'listStockStateChanges',
  'getReservation',
  'confirmReservation',
  'cancelReservation',
  'extendReservation',
  'createPricingRule',
  'listPricingRules',
  'getPricingRule',
  'updatePricingRule',
  'deletePricingRule',
  'quotePrice',
  'quotePrices',
  'previewPrice',
  'getCart',
  'addCartItem',
  'updateCartItem',
  'removeCartItem',
  'checkoutCart',
  'createWebhook',
  'listWebhooks',
  'getWebhook',
  'updateWebhook',
  'deleteWebhook',
  'listWebhookDeliveries',
  'retryWebhookDelivery',
  'testWebhook',
  'checkLiveness',
  'checkReadiness',
  'createQueueBoardSession',
];
/** Operations for any valid token, acting on the caller's own resources. */
export const CUSTOMER_OPERATION_IDS = [
  'getReservation',
  'cancelReservation',
  'extendReservation',
  'getCart',
  'addCartItem',
  'updateCartItem',
  'removeCartItem',
  'checkoutCart',
];
export const ADMIN_OPERATION_IDS = [
  ...EXPECTED_OPERATION_IDS.filter((id) => /^(create|update|delete)/.test(id) && !CUSTOMER_OPERATION_IDS.includes(id)),
  'setStock',
  'adjustStock',
  'listStockMovements',
  'auditStock',
  'setStockLimits',
  'listReservationHolds',
  'listStockByState',
  'listStockStateChanges',
  'confirmReservation',
  'listPricingRules',
  'getPricingRule',
  'previewPrice',
  'listWebhooks',
  'getWebhook',
  'listWebhookDeliveries',
  'retryWebhookDelivery',
  'testWebhook',
];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** Every operation of the document, with its path and method. */
export function operationsOf(
  openApi: OpenApiDocument,
): { path: string; method: string; operation: OpenApiOperation }[] {
  return Object.entries(openApi.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

/** A request for the operation, its path parameters filled with well-formed values of their type. */
export function requestFor(t: TestApp, path: string, method: string, operation: OpenApiOperation) {
  const url = path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const parameter = operation.parameters?.find((candidate) => candidate.in === 'path' && candidate.name === name);
    return parameter?.schema?.format === 'uuid' ? UNKNOWN_UUID : '1';
  });
  const agent = t.http as unknown as Record<string, (url: string) => ReturnType<TestApp['http']['get']>>;
  return agent[method](url);
}

/** An operation that needs no token. */
export const isPublic = (operation: OpenApiOperation) =>
  !ADMIN_OPERATION_IDS.includes(operation.operationId ?? '') &&
  !CUSTOMER_OPERATION_IDS.includes(operation.operationId ?? '');
