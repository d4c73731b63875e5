import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TokenService } from '../shared/auth';

/**
 * `commerce seed`: the demo data of docs/pricing.md, loaded through the public HTTP API of
 * an in-process app (so every rule of every module applies, and no module's tables
 * are touched from outside it). Each item is looked up first and created or corrected
 * only when needed: a second run changes nothing.
 */

export type SeedOutcome = 'created' | 'updated' | 'unchanged';

export interface SeedStep {
  what: string;
  id: number;
  outcome: SeedOutcome;
}

export interface SeedReport {
  steps: SeedStep[];
  variantId: number;
}

const CATEGORY = { name: 'Clothing' };
const PRODUCT = { name: 'T-Shirt', basePrice: '500.00' };
const VARIANT = { sku: 'TSHIRT-BLK-M', priceAdjustment: '50.00', attributes: { color: 'black', size: 'M' } };
const ON_HAND = 10;
const RULES = [
  {
    name: '10+ units',
    kind: 'QUANTITY',
    scope: { type: 'GLOBAL', id: null },
    condition: { minQuantity: 10 },
    effect: { type: 'PERCENT_OFF', value: '10.00' },
    priority: 0,
    stackable: true,
    active: true,
  },
  {
    name: 'Gold',
    kind: 'CUSTOMER_TIER',
    scope: { type: 'GLOBAL', id: null },
    condition: { tier: 'GOLD' },
    effect: { type: 'PERCENT_OFF', value: '15.00' },
    priority: 0,
    stackable: true,
    active: true,
  },
];
const PAGE_SIZE = 100;

export type Json = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

/** An admin's client of the in-process app, with a token that outlives any seed. */
export function adminApiOf(app: NestFastifyApplication): AdminApi {
  const token = app.get(TokenService).issue({ sub: 'seed', admin: true, expiresInSeconds: 600 });
  return new AdminApi(app, `Bearer ${token}`);
}

/** The API of the in-process app, called as an admin; any unexpected status stops the seed. */
export class AdminApi {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly authorization: string,
  ) {}

  async call(method: Method, url: string, body?: Json, expected = [200, 201]): Promise<Json> {
    const response = await this.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, payload: body, headers: { authorization: this.authorization } });
    const answer = response.body ? (response.json() as Json) : {};
    if (!expected.includes(response.statusCode)) {
      throw new Error(`${method} ${url} answered ${response.statusCode}: ${String(answer.detail ?? response.body)}`);
    }
    return answer;
  }

  /** The first item of a paged list that matches, reading page after page. */
  async find(url: string, matches: (item: Json) => boolean): Promise<Json | null> {
    const separator = url.includes('?') ? '&' : '?';
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await this.call('GET', `${url}${separator}limit=${PAGE_SIZE}&offset=${offset}`);
      const items = page.items as Json[];
      const found = items.find(matches);
      if (found) return found;
      if (offset + items.length >= (page.total as number)) return null;
    }
  }
}

export const sameName = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields of `desired` whose value differs in `current`. */
function differences(current: Json, desired: Json): Json {
  return Object.fromEntries(
    Object.entries(desired).filter(([key, value]) => canonical(current[key]) !== canonical(value)),
  );
}

/** Creates the item when missing, patches the fields that differ, or leaves it. */
export async function ensure(
  api: AdminApi,
  what: string,
  existing: Json | null,
  create: () => Promise<Json>,
  patchUrl: (id: number) => string,
  desired: Json,
): Promise<SeedStep> {
  if (!existing) return { what, id: (await create()).id as number, outcome: 'created' };
  const id = existing.id as number;
  const changes = differences(existing, desired);
  if (Object.keys(changes).length === 0) return { what, id, outcome: 'unchanged' };
  await api.call('PATCH', patchUrl(id), changes);
  return { what, id, outcome: 'updated' };
}

/** A category under `parentId` (null: a root), found by name among its siblings. */
export async function ensureCategory(api: AdminApi, name: string, parentId: number | null): Promise<SeedStep> {
  const existing = await api.find(
    '/api/products/categories',
    (item) => item.parentId === parentId && sameName(item.name, name),
  );
  return ensure(
    api,
    `category "${name}"`,
    existing,
    () => api.call('POST', '/api/products/categories', { name, parentId }),
    (id) => `/api/products/categories/${id}`,
    {},
  );
}

export interface ProductSeed {
  name: string;
  basePrice: string;
  description?: string;
}

/** A product of the category, found by name; its base price is put back when changed. */
export async function ensureProduct(api: AdminApi, product: ProductSeed, categoryId: number): Promise<SeedStep> {
  const existing = await api.find(
    `/api/products?categoryId=${categoryId}&search=${encodeURIComponent(product.name)}`,
    (item) => item.categoryId === categoryId && sameName(item.name, product.name),
  );
  return ensure(
    api,
    `product "${product.name}" at ${product.basePrice}`,
    existing,
    () => api.call('POST', '/api/products', { ...product, categoryId }),
    (id) => `/api/products/${id}`,
    { basePrice: product.basePrice },
  );
}

export interface VariantSeed {
  sku: string;
  priceAdjustment: string;
  attributes: Record<string, string>;
}

/** A variant of the product, found by SKU; its price adjustment is put back when changed. */
export async function ensureVariant(api: AdminApi, variant: VariantSeed, productId: number): Promise<SeedStep> {
  const existing = await api.find(`/api/products/variants?productId=${productId}`, (item) =>
    sameName(item.sku, variant.sku),
  );
  return ensure(
    api,
    `variant ${variant.sku} at +${variant.priceAdjustment}`,
    existing,
    () => api.call('POST', '/api/products/variants', { ...variant, productId }),
    (id) => `/api/products/variants/${id}`,
    { priceAdjustment: variant.priceAdjustment },
  );
}

/** Sets the variant's on-hand count when it differs (a COUNT movement in the ledger). */
export async function ensureStock(api: AdminApi, variantId: number, sku: string, onHand: number): Promise<SeedStep> {
  const stock = await api.call('GET', `/api/inventory/${variantId}`);
  const unchanged = stock.onHand === onHand;
  if (!unchanged) await api.call('PUT', `/api/inventory/${variantId}`, { onHand });
  return { what: `stock of ${sku}: ${onHand} on hand`, id: variantId, outcome: unchanged ? 'unchanged' : 'updated' };
}

/** A pricing rule found by name among the rules of its scope type; any changed field is put back. */
export async function ensureRule(
  api: AdminApi,
  rule: Json & { name: string; scope: { type: string; id?: number | null } },
) {
  const { name, ...definition } = rule;
  const existing = await api.find(`/api/pricing/rules?scopeType=${rule.scope.type}`, (item) =>
    sameName(item.name, name),
  );
  return ensure(
    api,
    `pricing rule "${name}"`,
    existing,
    () => api.call('POST', '/api/pricing/rules', rule),
    (id) => `/api/pricing/rules/${id}`,
    definition,
  );
}

/** Loads the demo data through the API of the given (initialised) app. */
export async function seedDemoData(app: NestFastifyApplication): Promise<SeedReport> {
  const api = adminApiOf(app);
  const category = await ensureCategory(api, CATEGORY.name, null);
  const product = await ensureProduct(api, PRODUCT, category.id);
  const variant = await ensureVariant(api, VARIANT, product.id);
  const stock = await ensureStock(api, variant.id, VARIANT.sku, ON_HAND);
  const steps = [category, product, variant, stock];
  for (const rule of RULES) steps.push(await ensureRule(api, rule));
  return { steps, variantId: variant.id };
}
