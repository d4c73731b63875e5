import { Money } from '../../shared/money';
import { CartItem } from '../cart-item.entity';
import { CartDto } from './cart.dto';

function line(quantity: number, basePrice: string, unitPrice: string): CartItem {
  return {
    id: `line-${quantity}-${unitPrice}`,
    cartId: 'cart',
    variantId: 1,
    sku: 'SKU',
    productName: 'Product',
    quantity,
    tier: 'STANDARD',
    basePrice: Money.parse(basePrice),
    unitPrice: Money.parse(unitPrice),
    appliedRules: [],
    pricedAt: new Date('2026-11-24T00:00:00Z'),
    createdAt: new Date('2026-11-24T00:00:00Z'),
    updatedAt: new Date('2026-11-24T00:00:00Z'),
  };
}

describe('CartDto.from', () => {
  it.each([
    ['no lines', [], '0.00', '0.00'],
    ['discounts', [line(10, '550.00', '420.75'), line(1, '19.99', '19.99')], '4227.49', '1292.50'],
    ['a markup (negative savings)', [line(3, '10.00', '11.50')], '34.50', '-4.50'],
    ['a discount and a markup that cancel out', [line(1, '10.00', '9.00'), line(1, '10.00', '11.00')], '20.00', '0.00'],
  ])('sums the line totals and what the rules saved: %s', (_case, items, subtotal, savings) => {
    const dto = CartDto.from({ id: 'cart', status: 'ACTIVE', items }, 'USD');

    expect(dto).toMatchObject({ subtotal, savings, currency: 'USD' });
  });

  it('answers each line total as unit price times quantity, in minor units (no float drift)', () => {
    const dto = CartDto.from({ id: 'cart', status: 'ACTIVE', items: [line(3, '0.10', '0.10')] }, 'USD');

    expect(dto.items[0].lineTotal).toBe('0.30');
    expect(dto.subtotal).toBe('0.30');
  });
});
