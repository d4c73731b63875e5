import { APP_EVENTS } from '../../src/app.events';
import {
  ADMIN_OPERATION_IDS,
  CUSTOMER_OPERATION_IDS,
  EXPECTED_OPERATION_IDS,
  isPublic,
  OpenApiDocument,
  operationsOf,
} from '../support/openapi';
import { startTestApp, TestApp } from '../support/test-app';
import { PROBLEM_JSON } from '../support/problem';

/** The tag of each /api path prefix: one tag per module. */
const MODULE_TAGS: [prefix: string, tag: string][] = [
  ['/api/products', 'products'],
  ['/api/inventory', 'inventory'],
  ['/api/reservations', 'inventory'],
  ['/api/pricing', 'pricing'],
  ['/api/cart', 'cart'],
  ['/api/admin', 'operations'],
  ['/api/webhooks', 'webhooks'],
];
/**
 * The answers each cart operation documents: the success status with its schema (null: no
 * body), and every error status as problem+json, so generated clients are typed end to end.
 */
const CART_RESPONSES: Record<
  string,
  { success: [status: string, schema: string | null]; errors: string[]; replay?: [status: string, schema: string] }
> = {
  getCart: { success: ['200', 'CartDto'], errors: ['401'] },
  addCartItem: { success: ['201', 'CartItemDto'], errors: ['400', '401', '404', '409', '422'] },
  updateCartItem: { success: ['200', 'CartItemDto'], errors: ['400', '401', '404', '409'] },
  removeCartItem: { success: ['204', null], errors: ['400', '401', '404'] },
  // 200: a checkout repeated without a key answers the reservation the last one still holds.
  checkoutCart: {
    success: ['201', 'ReservationDto'],
    errors: ['400', '401', '409', '422'],
    replay: ['200', 'ReservationDto'],
  },
};
/** Operations that accept an Idempotency-Key, and whether they require one. */
const IDEMPOTENT_OPERATIONS: Record<string, boolean> = {
  addCartItem: false,
  checkoutCart: false,
  setStock: false,
  adjustStock: true,
};
const IDEMPOTENT_OPERATION_IDS = Object.keys(IDEMPOTENT_OPERATIONS);
describe('HTTP conventions', () => {
  let t: TestApp;
  let openApi: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp();
    openApi = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
  });

  describe('OpenAPI document', () => {
    it('names every operation with the expected operationIds', () => {
      const ids = operationsOf(openApi).map(({ operation }) => operation.operationId);

      expect([...ids].sort()).toEqual([...EXPECTED_OPERATION_IDS].sort());
    });

    it('types every JSON number as an integer (money and percentages are strings), ids and pages included', () => {
      const numberTyped: string[] = [];
      const visit = (node: unknown, path: string): void => {
        if (typeof node !== 'object' || node === null) return;
        if ((node as { type?: unknown }).type === 'number') numberTyped.push(path);
        for (const [key, value] of Object.entries(node)) visit(value, `${path}/${key}`);
      };
      visit(openApi, '');

      expect(numberTyped).toEqual([]);
      const schemas = openApi.components?.schemas as Record<string, { properties: Record<string, { type?: string }> }>;
      expect(schemas.ReservationItemDto.properties.quantity.type).toBe('integer');
      expect(schemas.ProductPageDto.properties.total.type).toBe('integer');
    });

    it('has no operationId derived from a controller name', () => {
      const ids = operationsOf(openApi).map(({ operation }) => operation.operationId ?? '');

      expect(ids.filter((id) => id.includes('Controller_'))).toEqual([]);
    });

    it("tags every /api operation with its module's tag", () => {
      const tagOf = (path: string) => MODULE_TAGS.find(([prefix]) => path.startsWith(prefix))?.[1];
      const untagged = operationsOf(openApi)
        .filter(({ path, operation }) => path.startsWith('/api') && (operation.tags ?? []).join() !== tagOf(path))
        .map(({ method, path }) => `${method} ${path}`);

      expect(operationsOf(openApi).some(({ path }) => path.startsWith('/api'))).toBe(true);
      expect(untagged).toEqual([]);
    });

    it('documents a problem+json 4xx answer for every /api operation', () => {
      const undocumented = operationsOf(openApi)
        .filter(({ path }) => path.startsWith('/api'))
        .filter(
          ({ operation }) =>
            !Object.entries(operation.responses).some(
              ([status, response]) => /^4\d\d$/.test(status) && response.content?.[PROBLEM_JSON] !== undefined,
            ),
        )
        .map(({ method, path }) => `${method} ${path}`);

      expect(undocumented).toEqual([]);
    });

    it('declares bearer security on every admin operation', () => {
      const schemes = openApi.components?.securitySchemes ?? {};
      const bearerNames = Object.entries(schemes)
        .filter(([, scheme]) => scheme.type === 'http' && scheme.scheme === 'bearer')
        .map(([name]) => name);
      const admin = operationsOf(openApi).filter(({ operation }) =>
        ADMIN_OPERATION_IDS.includes(operation.operationId ?? ''),
      );

      expect(bearerNames.length).toBeGreaterThan(0);
      expect(admin).toHaveLength(ADMIN_OPERATION_IDS.length);
      for (const { operation } of admin) {
        expect(operation.security ?? []).toEqual(
          expect.arrayContaining([expect.objectContaining({ [bearerNames[0]]: expect.any(Array) })]),
        );
      }
    });

    it('declares bearer security and a 401 problem, but no 403, on every customer operation', () => {
      const customer = operationsOf(openApi).filter(({ operation }) =>
        CUSTOMER_OPERATION_IDS.includes(operation.operationId ?? ''),
      );

      expect(customer.map(({ operation }) => operation.operationId).sort()).toEqual([...CUSTOMER_OPERATION_IDS].sort());
      for (const { operation } of customer) {
        expect(operation.security).toEqual([{ bearer: expect.any(Array) }]);
        expect(operation.responses['401']?.content?.[PROBLEM_JSON]).toBeDefined();
        expect(operation.responses['403']).toBeUndefined();
      }
    });

    it('declares no security on every public operation', () => {
      const open = operationsOf(openApi).filter(({ operation }) => isPublic(operation));

      expect(open.length).toBe(
        EXPECTED_OPERATION_IDS.length - ADMIN_OPERATION_IDS.length - CUSTOMER_OPERATION_IDS.length,
      );
      for (const { operation } of open) {
        expect(operation.security).toEqual([]);
        expect(operation.responses['401']).toBeUndefined();
      }
    });

    it.each(Object.entries(CART_RESPONSES))(
      'documents the success schema and every problem of %s',
      (operationId, { success, errors, replay }) => {
        const found = operationsOf(openApi).find(({ operation }) => operation.operationId === operationId);
        const responses = found?.operation.responses ?? {};
        const [status, schema] = success;

        expect(found?.path.startsWith('/api/cart')).toBe(true);
        if (schema === null) {
          expect(responses[status]).toBeDefined();
          expect(responses[status].content).toBeUndefined();
        } else {
          expect(responses[status]?.content?.['application/json']?.schema?.$ref).toBe(`#/components/schemas/${schema}`);
        }
        for (const error of errors) {
          expect(responses[error]?.content?.[PROBLEM_JSON]?.schema?.$ref).toBe('#/components/schemas/ProblemDto');
        }
        if (replay) {
          const [replayStatus, replaySchema] = replay;
          expect(responses[replayStatus]?.content?.['application/json']?.schema?.$ref).toBe(
            `#/components/schemas/${replaySchema}`,
          );
        }
        const successes = Object.keys(responses).filter((code) => /^2\d\d$/.test(code));
        expect(successes.sort()).toEqual([status, ...(replay ? [replay[0]] : [])].sort());
      },
    );

    it('documents the Idempotency-Key header on the idempotent operations only, required on adjustments', () => {
      const withKey = operationsOf(openApi)
        .filter(({ operation }) =>
          (operation.parameters ?? []).some(
            (parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key',
          ),
        )
        .map(({ operation }) => operation.operationId);

      expect(withKey.sort()).toEqual([...IDEMPOTENT_OPERATION_IDS].sort());
      for (const { operation } of operationsOf(openApi).filter(({ operation }) =>
        IDEMPOTENT_OPERATION_IDS.includes(operation.operationId ?? ''),
      )) {
        const header = operation.parameters?.find((parameter) => parameter.name === 'Idempotency-Key');
        expect(header?.required ?? false).toBe(IDEMPOTENT_OPERATIONS[operation.operationId!]);
      }
    });

    it('documents 401 and 403 problems on every admin operation', () => {
      const admin = operationsOf(openApi).filter(({ operation }) =>
        ADMIN_OPERATION_IDS.includes(operation.operationId ?? ''),
      );

      for (const { operation } of admin) {
        expect(operation.responses['401']?.content?.[PROBLEM_JSON]).toBeDefined();
        expect(operation.responses['403']?.content?.[PROBLEM_JSON]).toBeDefined();
      }
    });

    it('documents every webhook body: an envelope per event type with its payload, and their union', () => {
      const schemas = openApi.components?.schemas ?? {};
      const union = schemas.WebhookEvent as {
        oneOf: { $ref: string }[];
        discriminator: { mapping: Record<string, string> };
      };
      const types = Object.keys(union.discriminator.mapping);

      expect(types.sort()).toEqual([...APP_EVENTS.types, 'webhook.ping'].sort());
      expect(union.oneOf).toHaveLength(types.length);
      for (const type of types) {
        const envelope = schemas[union.discriminator.mapping[type].replace('#/components/schemas/', '')] as {
          required: string[];
          properties: { type: { enum: string[] }; data: { $ref: string } };
        };
        expect(envelope.required).toEqual(['type', 'timestamp', 'data']);
        expect(envelope.properties.type.enum).toEqual([type]);
        // The payload schema is in the document too, so generated types reach the fields.
        const payload = envelope.properties.data.$ref.replace('#/components/schemas/', '');
        expect(schemas[payload]).toMatchObject({ type: 'object', properties: expect.any(Object) });
      }
      expect(union.discriminator.mapping['stock.changed']).toBe('#/components/schemas/StockChangedWebhookEvent');
      expect(schemas.StockChangedPayload).toMatchObject({
        required: expect.arrayContaining(['variantId', 'onHand', 'reserved', 'available', 'state', 'cause']),
      });
    });

    it('serves Swagger UI as HTML', async () => {
      const response = await t.http.get('/docs');

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.text).toContain('swagger');
    });
  });
});
