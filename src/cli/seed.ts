import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../app.factory';
import { TokenService } from '../shared/auth';
import { Env, validateEnv } from '../shared/config';
import { createDatabaseIfMissing } from '../shared/database';

/**
 * `npm run seed`: the demo data of the README, loaded through the public HTTP API of
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

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

/** The API of the in-process app, called as an admin; any unexpected status stops the seed. */
class AdminApi {
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

const sameName = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

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
async function ensure(
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

/** Loads the demo data through the API of the given (initialised) app. */
export async function seedDemoData(app: NestFastifyApplication): Promise<SeedReport> {
  const token = app.get(TokenService).issue({ sub: 'seed', admin: true, expiresInSeconds: 600 });
  const api = new AdminApi(app, `Bearer ${token}`);
  const steps: SeedStep[] = [];

  const category = await api.find(
    '/api/products/categories',
    (item) => item.parentId === null && sameName(item.name, CATEGORY.name),
  );
  steps.push(
    await ensure(
      api,
      `category "${CATEGORY.name}"`,
      category,
      () => api.call('POST', '/api/products/categories', CATEGORY),
      (id) => `/api/products/categories/${id}`,
      {},
    ),
  );
  const categoryId = steps[steps.length - 1].id;

  const product = await api.find(
    `/api/products?categoryId=${categoryId}&search=${encodeURIComponent(PRODUCT.name)}`,
    (item) => item.categoryId === categoryId && sameName(item.name, PRODUCT.name),
  );
  const productStep = await ensure(
    api,
    `product "${PRODUCT.name}" at ${PRODUCT.basePrice}`,
    product,
    () => api.call('POST', '/api/products', { ...PRODUCT, categoryId }),
    (id) => `/api/products/${id}`,
    { basePrice: PRODUCT.basePrice },
  );
  steps.push(productStep);

  const variant = await api.find(`/api/products/variants?productId=${productStep.id}`, (item) =>
    sameName(item.sku, VARIANT.sku),
  );
  const variantStep = await ensure(
    api,
    `variant ${VARIANT.sku} at +${VARIANT.priceAdjustment}`,
    variant,
    () => api.call('POST', '/api/products/variants', { ...VARIANT, productId: productStep.id }),
    (id) => `/api/products/variants/${id}`,
    { priceAdjustment: VARIANT.priceAdjustment },
  );
  steps.push(variantStep);

  const stock = await api.call('GET', `/api/inventory/${variantStep.id}`);
  if (stock.onHand !== ON_HAND) await api.call('PUT', `/api/inventory/${variantStep.id}`, { onHand: ON_HAND });
  steps.push({
    what: `stock of ${VARIANT.sku}: ${ON_HAND} on hand`,
    id: variantStep.id,
    outcome: stock.onHand === ON_HAND ? 'unchanged' : 'updated',
  });

  for (const rule of RULES) {
    const { name, ...definition } = rule;
    const existing = await api.find('/api/pricing/rules?scopeType=GLOBAL', (item) => sameName(item.name, name));
    steps.push(
      await ensure(
        api,
        `pricing rule "${name}"`,
        existing,
        () => api.call('POST', '/api/pricing/rules', rule),
        (id) => `/api/pricing/rules/${id}`,
        definition,
      ),
    );
  }
  return { steps, variantId: variantStep.id };
}

async function main(): Promise<void> {
  // The app's request logs would drown the report; LOG_LEVEL still wins when set.
  const env: Env = validateEnv({ LOG_LEVEL: 'warn', ...process.env });
  await createDatabaseIfMissing(env.DATABASE_URL);
  const app = await createApp(env);
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const report = await seedDemoData(app);
    for (const step of report.steps) console.log(`${step.outcome.padEnd(9)} ${step.what} (id ${step.id})`);
    const changed = report.steps.filter((step) => step.outcome !== 'unchanged').length;
    console.log(changed === 0 ? 'Nothing to change: the demo data was already there.' : `${changed} change(s) made.`);
    console.log(`Try: curl 'localhost:${env.PORT}/api/pricing/${report.variantId}/price?quantity=10&tier=GOLD'`);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`Seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
