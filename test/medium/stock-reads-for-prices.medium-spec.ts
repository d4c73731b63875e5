import { InventoryModule, InventoryService } from '../../src/inventory';
import { newVariant } from '../support/catalog.factory';
import { newCustomer } from '../support/customer.factory';
import { line, newStockedVariant, reserve } from '../support/inventory.factory';
import { MediumContext, startModuleContext } from '../support/medium';
import { statementsSentBy } from '../support/statements';
import { queuePrefix } from '../support/test-app';

/**
 * The stock read behind scarcity prices is shared by the quotes priced at the same time:
 * one statement for all of them, each answered with its own variants' units, and nothing
 * kept for the next read.
 */
describe('units available, read for prices', () => {
  let t: MediumContext;
  let inventory: InventoryService;

  beforeAll(async () => {
    t = await startModuleContext(InventoryModule, { QUEUE_PREFIX: queuePrefix('stock-reads-for-prices') });
    inventory = t.get(InventoryService);
  });

  afterAll(async () => {
    await t.close();
  });

  const stockReadsIn = (summary: string[]) => summary.filter((statement) => statement.includes('FROM stock_levels'));

  it('answers reads asked for at the same time with one statement, each with its own variants', async () => {
    const variants = await Promise.all([3, 8, 0, 12].map((onHand) => newStockedVariant(t, { onHand })));
    const neverStocked = await newVariant(t);
    await reserve(t, newCustomer(t).sub, [line(variants[1], 5)]);
    const [three, eight, none, twelve] = variants.map((variant) => variant.id);

    const { result, sent } = await statementsSentBy(() =>
      Promise.all([
        inventory.availableUnits([three]),
        inventory.availableUnits([eight, twelve]),
        inventory.availableUnits([none, neverStocked.id]),
        inventory.availableUnits([twelve, three]),
      ]),
    );

    expect(stockReadsIn(sent.summary)).toHaveLength(1);
    expect(result.map((units) => Object.fromEntries(units))).toEqual([
      { [three]: 3 },
      { [eight]: 3, [twelve]: 12 },
      { [none]: 0, [neverStocked.id]: 0 },
      { [twelve]: 12, [three]: 3 },
    ]);
  });

  it('reads again for every later quote: a change of stock is seen by the next read', async () => {
    const variant = await newStockedVariant(t, { onHand: 4 });
    expect(await inventory.availableUnits([variant.id])).toEqual(new Map([[variant.id, 4]]));

    await reserve(t, newCustomer(t).sub, [line(variant, 3)]);

    const { result, sent } = await statementsSentBy(() => inventory.availableUnits([variant.id]));
    expect(result).toEqual(new Map([[variant.id, 1]]));
    expect(stockReadsIn(sent.summary)).toHaveLength(1);
  });

  it('fails every read a failing statement answered, so none waits for ever, and the next read stands on its own', async () => {
    // A variant id beyond PostgreSQL's integer makes the shared statement fail.
    const variant = await newStockedVariant(t, { onHand: 2 });
    const reads = [inventory.availableUnits([variant.id]), inventory.availableUnits([2 ** 31])];

    const outcomes = await Promise.allSettled(reads);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await inventory.availableUnits([variant.id])).toEqual(new Map([[variant.id, 2]]));
  });
});
