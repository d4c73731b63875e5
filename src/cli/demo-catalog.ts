import { Money } from '../shared/money';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminApiOf, ensureCategory, ensureProduct, ensureRule, ensureStock, ensureVariant, SeedStep } from './seed';

/**
 * `commerce seed --demo`: a catalog a frontend can be built against, loaded after the
 * base seed through the same API and just as idempotent. Three departments, two levels
 * below each, six products per leaf with three variants each; stock varies, some variants
 * are scarce (2 units) or sold out; a sale window and a scarcity markup add the two rule
 * kinds the base seed lacks.
 */

interface Leaf {
  name: string;
  code: string;
  /** Price of the first product in minor units; each next product costs 5.00 more. */
  basePriceMinor: number;
  /** The attribute that tells the three variants of a product apart, and its values. */
  axis: [string, [string, string, string]];
  /** Colours or materials, one per product. */
  looks: string[];
  products: string[];
}

interface Department {
  name: string;
  groups: { name: string; leaves: Leaf[] }[];
}

const LOOKS = ['black', 'white', 'navy', 'olive', 'grey', 'red'];
const SIZES: Leaf['axis'] = ['size', ['S', 'M', 'L']];

const DEPARTMENTS: Department[] = [
  {
    name: 'Clothing',
    groups: [
      {
        name: 'Men',
        leaves: [
          leaf(
            'T-Shirts',
            'TEE',
            1900,
            SIZES,
            'Classic Tee, V-Neck Tee, Pocket Tee, Long Sleeve Tee, Graphic Tee, Henley',
          ),
          leaf(
            'Hoodies',
            'HOOD',
            4900,
            SIZES,
            'Zip Hoodie, Pullover Hoodie, Fleece Hoodie, Tech Hoodie, Sherpa Hoodie, Lightweight Hoodie',
          ),
        ],
      },
      {
        name: 'Women',
        leaves: [
          leaf(
            'Dresses',
            'DRESS',
            5900,
            SIZES,
            'Wrap Dress, Shirt Dress, Maxi Dress, Slip Dress, Knit Dress, Sundress',
          ),
          leaf(
            'Jackets',
            'JKT',
            8900,
            SIZES,
            'Denim Jacket, Rain Jacket, Puffer Jacket, Bomber Jacket, Trench Coat, Field Jacket',
          ),
        ],
      },
    ],
  },
  {
    name: 'Home',
    groups: [
      {
        name: 'Kitchen',
        leaves: [
          leaf(
            'Cookware',
            'COOK',
            2900,
            ['diameter', ['20 cm', '24 cm', '28 cm']],
            'Frying Pan, Saute Pan, Saucepan, Wok, Grill Pan, Crepe Pan',
            'steel, cast iron, copper, ceramic, aluminium, carbon steel',
          ),
          leaf(
            'Knives',
            'KNIFE',
            3900,
            ['blade', ['15 cm', '20 cm', '25 cm']],
            'Chef Knife, Santoku, Bread Knife, Utility Knife, Carving Knife, Nakiri',
            'steel, damascus, ceramic, black steel, olive wood, walnut',
          ),
        ],
      },
      {
        name: 'Living',
        leaves: [
          leaf(
            'Lamps',
            'LAMP',
            4500,
            ['finish', ['matte', 'gloss', 'brushed']],
            'Desk Lamp, Floor Lamp, Reading Lamp, Pendant Lamp, Table Lamp, Arc Lamp',
          ),
        ],
      },
    ],
  },
  {
    name: 'Electronics',
    groups: [
      {
        name: 'Audio',
        leaves: [
          leaf(
            'Headphones',
            'HEAD',
            7900,
            ['edition', ['standard', 'wireless', 'pro']],
            'Studio Headphones, Travel Headphones, Kids Headphones, Gaming Headset, Open-Back Headphones, Sport Earbuds',
          ),
          leaf(
            'Speakers',
            'SPK',
            9900,
            ['edition', ['standard', 'wireless', 'pro']],
            'Bookshelf Speaker, Party Speaker, Smart Speaker, Soundbar, Outdoor Speaker, Mini Speaker',
          ),
        ],
      },
    ],
  },
];

/** Products and looks come as comma-separated lists, six of each. */
function leaf(
  name: string,
  code: string,
  basePriceMinor: number,
  axis: Leaf['axis'],
  products: string,
  looks?: string,
): Leaf {
  const list = (text: string) => text.split(', ');
  return { name, code, basePriceMinor, axis, products: list(products), looks: looks ? list(looks) : LOOKS };
}

const decimal = (minor: number) => Money.ofMinor(minor).format();

/** Deterministic stock: mostly comfortable, every third product's first variant scarce, one sold out per leaf. */
function onHandOf(productIndex: number, variantIndex: number): number {
  if (productIndex === 5 && variantIndex === 2) return 0;
  if (productIndex % 3 === 0 && variantIndex === 0) return 2;
  return 5 + ((productIndex * 7 + variantIndex * 11) % 40);
}

async function seedLeaf(api: ReturnType<typeof adminApiOf>, spec: Leaf, categoryId: number): Promise<SeedStep[]> {
  const steps: SeedStep[] = [];
  const [axis, values] = spec.axis;
  for (const [productIndex, name] of spec.products.entries()) {
    const look = spec.looks[productIndex % spec.looks.length];
    const product = await ensureProduct(
      api,
      { name, basePrice: decimal(spec.basePriceMinor + productIndex * 500), description: `${name}, ${look}` },
      categoryId,
    );
    steps.push(product);
    for (const [variantIndex, value] of values.entries()) {
      const sku = `DEMO-${spec.code}-${productIndex + 1}-${variantIndex + 1}`;
      const attributes = { [axis]: value, [spec.looks === LOOKS ? 'color' : 'material']: look };
      const variant = await ensureVariant(
        api,
        { sku, priceAdjustment: decimal(variantIndex * 200), attributes },
        product.id,
      );
      steps.push(variant, await ensureStock(api, variant.id, sku, onHandOf(productIndex, variantIndex)));
    }
  }
  return steps;
}

/** Loads the demo catalog (run after `seedDemoData`, whose rules cover volume and tier prices). */
export async function seedDemoCatalog(app: NestFastifyApplication): Promise<SeedStep[]> {
  const api = adminApiOf(app);
  const steps: SeedStep[] = [];
  const categoryIds = new Map<string, number>();
  for (const department of DEPARTMENTS) {
    const root = await ensureCategory(api, department.name, null);
    categoryIds.set(department.name, root.id);
    steps.push(root);
    for (const group of department.groups) {
      const middle = await ensureCategory(api, group.name, root.id);
      steps.push(middle);
      for (const spec of group.leaves) {
        const category = await ensureCategory(api, spec.name, middle.id);
        categoryIds.set(spec.name, category.id);
        steps.push(category, ...(await seedLeaf(api, spec, category.id)));
      }
    }
  }
  steps.push(
    await ensureRule(api, {
      name: 'Demo: hoodie season',
      kind: 'SCHEDULE',
      scope: { type: 'CATEGORY', id: categoryIds.get('Hoodies') },
      condition: { startsAt: '2026-01-01T00:00:00.000Z', endsAt: '2036-01-01T00:00:00.000Z' },
      effect: { type: 'PERCENT_OFF', value: '20.00' },
      priority: 0,
      stackable: true,
      active: true,
    }),
    await ensureRule(api, {
      name: 'Demo: last units',
      kind: 'STOCK_LEVEL',
      scope: { type: 'CATEGORY', id: categoryIds.get('Electronics') },
      condition: { maxAvailable: 3 },
      effect: { type: 'PERCENT_MARKUP', value: '10.00' },
      priority: 0,
      stackable: true,
      active: true,
    }),
  );
  return steps;
}
