import { validateEnv } from '../../src/shared/config';
import { dropDatabase } from '../../src/shared/database';
import { startTestApp, TestApp, unique } from './test-app';
import { createMigratedDatabase } from './test-database';
import { siblingDatabaseUrl } from './test-env';

export type RuleBody = Record<string, unknown>;

/** A valid rule body: 10 % off from one unit, for the given scope. Override any field. */
export function ruleBody(scope: { type: string; id?: number | null }, overrides: RuleBody = {}): RuleBody {
  return {
    name: unique('Rule'),
    kind: 'QUANTITY',
    scope,
    condition: { minQuantity: 1 },
    effect: { type: 'PERCENT_OFF', value: '10' },
    ...overrides,
  };
}

/** Creates a rule through the API and returns its body (the rule as the API answers it). */
export async function createRule(t: TestApp, body: RuleBody): Promise<Record<string, unknown> & { id: number }> {
  const response = await t.http.post('/api/pricing/rules').set('authorization', t.admin).send(body);
  if (response.status !== 201) {
    throw new Error(`creating a rule answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** The two rules of the seed and API.md's example, "10+ units: 10 % off" and "Gold: 15 % off", in one scope. */
export async function createSeedRules(t: TestApp, scope: { type: string; id?: number | null }) {
  const volume = await createRule(t, ruleBody(scope, { name: '10+ units', condition: { minQuantity: 10 } }));
  const gold = await createRule(
    t,
    ruleBody(scope, {
      name: 'Gold',
      kind: 'CUSTOMER_TIER',
      condition: { tier: 'GOLD' },
      effect: { type: 'PERCENT_OFF', value: '15' },
    }),
  );
  return { volume, gold };
}

/** GET /api/pricing/:variantId/price with the given query; asserts nothing. */
export function quote(t: TestApp, variantId: number, query: Record<string, string | number | boolean> = {}) {
  return t.http.get(`/api/pricing/${variantId}/price`).query(query);
}

/** The unit price a quote answers, asserting it is a 200. */
export async function unitPriceOf(
  t: TestApp,
  variantId: number,
  query: Record<string, string | number | boolean> = {},
): Promise<string> {
  const response = await quote(t, variantId, query).expect(200);
  return response.body.unitPrice as string;
}

export interface IsolatedDatabase {
  /** The environment overrides that point an app (or the seed) at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A database of its own, migrated, beside the run's shared one. Tests that create GLOBAL
 * rules use it: a global rule changes every quote, so in the shared database it would
 * break the exact prices other test files assert while they run in parallel.
 */
export async function createIsolatedDatabase(label: string): Promise<IsolatedDatabase> {
  const databaseUrl = siblingDatabaseUrl(label);
  await createMigratedDatabase(validateEnv({ ...process.env, DATABASE_URL: databaseUrl }));
  return { env: { DATABASE_URL: databaseUrl }, drop: () => dropDatabase(databaseUrl) };
}

/** The real app on an isolated database; closing it drops the database. */
export async function startIsolatedTestApp(label: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createIsolatedDatabase(label);
  const t = await startTestApp({ ...database.env, ...overrides });
  return {
    ...t,
    close: async () => {
      await t.close();
      await database.drop();
    },
  };
}
