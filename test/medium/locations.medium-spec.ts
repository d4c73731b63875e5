import { InventoryModule } from '../../src/inventory';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import { newStockedVariant, line, reserve } from '../support/inventory.factory';
import { MediumContext, startModuleContext } from '../support/medium';
import { ledgerRowsOf } from '../support/rows';
import { ADMIN_SUB, queuePrefix, unique } from '../support/test-app';

/** Where stock moves: a shop starts with one location, DEFAULT, and every ledger row names it. */
describe('stock locations (inventory module)', () => {
  let t: MediumContext;

  beforeAll(async () => {
    t = await startModuleContext(InventoryModule, { QUEUE_PREFIX: queuePrefix('locations') });
  });

  afterAll(async () => {
    await t.close();
  });

  it('starts every shop with the DEFAULT location, preferred above any other', async () => {
    const rows = await t.dataSource.query(
      `SELECT code, name, priority, pickup, active FROM locations WHERE code = 'DEFAULT'`,
    );

    expect(rows).toEqual([{ code: 'DEFAULT', name: 'Default location', priority: 0, pickup: false, active: true }]);
  });

  it('records every movement of a reservation and of a restock at DEFAULT', async () => {
    const variant = await newStockedVariant(t, { onHand: 5 });
    const reservation = await reserve(t, unique('buyer'), [line(variant, 2)]);
    await t.get(ReservationsService).confirm(reservation.id);

    const ledger = await ledgerRowsOf(t, variant.id);

    expect(ledger.map((row) => [row.reason, row.location])).toEqual([
      ['COUNT', 'DEFAULT'],
      ['RESERVE', 'DEFAULT'],
      ['SALE', 'DEFAULT'],
    ]);
  });

  it('refuses a movement at a location that does not exist, and a location code outside A-Z 0-9 - _', async () => {
    const variant = await newStockedVariant(t, { onHand: 1 });

    await expect(
      t.dataSource.query(
        `INSERT INTO stock_movements (variant_id, location_code, reason, delta, reserved_delta, on_hand_after, reserved_after, actor)
         VALUES ($1, 'NOWHERE', 'RESTOCK', 1, 0, 2, 0, $2)`,
        [variant.id, ADMIN_SUB],
      ),
    ).rejects.toThrow(/FK_stock_movements_location/);
    await expect(
      t.dataSource.query(`INSERT INTO locations (code, name) VALUES ('shop 1', 'Lower case and a space')`),
    ).rejects.toThrow(/CHK_locations_code/);
  });
});
