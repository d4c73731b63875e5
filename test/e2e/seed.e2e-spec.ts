import { seedDemoData } from '../../src/cli/seed';
import { buildCli, CliBuild } from '../support/cli';
import { auditDrift } from '../support/inventory.factory';
import { createIsolatedDatabase, IsolatedDatabase } from '../support/test-database';
import { demoCatalogShape, seededTotals } from '../support/rows';
import { startTestApp, TestApp } from '../support/test-app';

// The seed creates GLOBAL rules, which would change the prices other test files assert
// in the shared database: it runs against a database of its own.

describe('commerce seed', () => {
  let cli: CliBuild;
  let database: IsolatedDatabase;
  let firstRun: ReturnType<CliBuild['run']>;
  let t: TestApp;
  const runSeedScript = (database: IsolatedDatabase, ...flags: string[]) => cli.run(['seed', ...flags], database.env);

  beforeAll(async () => {
    cli = buildCli('seed');
    database = await createIsolatedDatabase('seed');
    firstRun = runSeedScript(database);
    t = await startTestApp(database.env);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    cli?.remove();
  });

  /** Row counts and the latest change of everything the seed writes. */
  async function snapshot(variantId: number) {
    const counts = await seededTotals(t);
    const movements = await t.http
      .get(`/api/inventory/${variantId}/movements`)
      .set('authorization', t.admin)
      .expect(200);
    return { ...counts, movements: movements.body.total as number };
  }

  it('creates the demo catalog, stock and rules on its first run', () => {
    expect(firstRun.status).toBe(0);
    expect(firstRun.stdout).toContain('created   category "Clothing"');
    expect(firstRun.stdout).toContain('created   product "T-Shirt" at 500.00');
    expect(firstRun.stdout).toContain('created   variant TSHIRT-BLK-M at +50.00');
    expect(firstRun.stdout).toContain('updated   stock of TSHIRT-BLK-M: 10 on hand');
    expect(firstRun.stdout).toContain('created   pricing rule "10+ units"');
    expect(firstRun.stdout).toContain('created   pricing rule "Gold"');
  });

  it('changes nothing when it runs again', async () => {
    const { variantId } = await seedDemoData(t.app);
    const before = await snapshot(variantId);

    const again = await seedDemoData(t.app);
    const script = runSeedScript(database);

    expect(again.steps.map((step) => step.outcome)).toEqual(Array(6).fill('unchanged'));
    expect(script.status).toBe(0);
    expect(script.stdout).toContain('Nothing to change');
    expect(await snapshot(variantId)).toEqual(before);
    expect(before).toMatchObject({ categories: '1', products: '1', variants: '1', rules: '2' });
  });

  it('leaves data that quotes the API example exactly', async () => {
    const { variantId } = await seedDemoData(t.app);

    const ten = await t.http.get(`/api/pricing/${variantId}/price?quantity=10&tier=GOLD`).expect(200);
    const five = await t.http.get(`/api/pricing/${variantId}/price?quantity=5&tier=GOLD`).expect(200);
    const stock = await t.http.get(`/api/inventory/${variantId}`).expect(200);

    expect(ten.body).toMatchObject({
      sku: 'TSHIRT-BLK-M',
      basePrice: '550.00',
      unitPrice: '420.75',
      totalPrice: '4207.50',
      appliedRules: [
        { name: '10+ units', kind: 'QUANTITY', before: '550.00', after: '495.00' },
        { name: 'Gold', kind: 'CUSTOMER_TIER', before: '495.00', after: '420.75' },
      ],
    });
    expect(five.body).toMatchObject({ unitPrice: '467.50', totalPrice: '2337.50' });
    expect(stock.body).toMatchObject({ onHand: 10, available: 10 });
  });

  it('puts back a demo value an admin changed, and only that', async () => {
    const { variantId } = await seedDemoData(t.app);
    const rules = await t.http.get('/api/pricing/rules?scopeType=GLOBAL').set('authorization', t.admin).expect(200);
    const gold = (rules.body.items as { id: number; name: string }[]).find((rule) => rule.name === 'Gold');
    await t.http
      .patch(`/api/pricing/rules/${gold?.id}`)
      .set('authorization', t.admin)
      .send({ effect: { type: 'PERCENT_OFF', value: '20' } })
      .expect(200);

    const report = await seedDemoData(t.app);

    expect(report.steps.filter((step) => step.outcome !== 'unchanged')).toEqual([
      { what: 'pricing rule "Gold"', id: gold?.id, outcome: 'updated' },
    ]);
    const ten = await t.http.get(`/api/pricing/${variantId}/price?quantity=10&tier=GOLD`).expect(200);
    expect(ten.body.unitPrice).toBe('420.75');
  });

  it('loads the demo catalog with --demo, and a second run changes nothing', async () => {
    const first = runSeedScript(database, '--demo');
    const second = runSeedScript(database, '--demo');

    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('Nothing to change');
    const counts = await demoCatalogShape(t);
    expect(counts.products).toBeGreaterThanOrEqual(50);
    expect(counts.variants).toBeGreaterThanOrEqual(counts.products * 3 - 2);
    expect(counts.scarce).toBeGreaterThan(0);
    expect(counts.sold_out).toBeGreaterThan(0);
    expect(counts).toMatchObject({ rule_kinds: 4, depth: 3 });
    const products = await t.http.get('/api/products?search=Hoodie&limit=1').expect(200);
    const hoodie = await t.http.get(`/api/products/${products.body.items[0].id}`).expect(200);
    expect(hoodie.body.variants[0].attributes).toEqual({ size: 'S', color: expect.any(String) });
    expect(await auditDrift(t)).toEqual([]);
  });
});
