import { AppProcess } from './app-process';
import { PrivateCluster } from './postgres-cluster';

export interface Answer {
  /** 0 when no HTTP answer arrived (refused, reset, timed out). */
  status: number;
  retryAfter: string | null;
  replayed: boolean;
  body: Record<string, unknown> | null;
  ms: number;
  label: string;
}

/** Where calls go: an app process, or a balancer in front of several. */
export type Endpoint = Pick<AppProcess, 'url' | 'token'>;

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** One HTTP call as a shop's frontend makes it; transport failures come back as status 0, never thrown. */
export async function call(
  app: Pick<Endpoint, 'url'>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      replayed: response.headers.get('idempotent-replayed') === 'true',
      body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      ms: performance.now() - started,
      label: `${method} ${path}`,
    };
  } catch {
    return { status: 0, retryAfter: null, replayed: false, body: null, ms: performance.now() - started, label: path };
  }
}

/** A catalog of `count` variants with `stock` units each, under a category named `label`; returns their ids. */
export async function seedCatalog(app: Endpoint, count: number, stock: number, label = 'Faults'): Promise<number[]> {
  const admin = app.token('ops', { admin: true });
  const category = await expectCreated(
    call(app, 'POST', '/api/products/categories', { token: admin, body: { name: label } }),
  );
  const product = await expectCreated(
    call(app, 'POST', '/api/products', {
      token: admin,
      body: { name: 'Tee', categoryId: category.id, basePrice: '20.00' },
    }),
  );
  const ids: number[] = [];
  for (let index = 0; index < count; index++) {
    const variant = await expectCreated(
      call(app, 'POST', '/api/products/variants', {
        token: admin,
        body: { productId: product.id, sku: `${label.toUpperCase()}-TEE-${index}` },
      }),
    );
    const stocked = await call(app, 'PUT', `/api/inventory/${variant.id}`, { token: admin, body: { onHand: stock } });
    if (stocked.status !== 200) throw new Error(`stocking failed: ${stocked.status}`);
    ids.push(variant.id as number);
  }
  return ids;
}

async function expectCreated(answer: Promise<Answer>): Promise<Record<string, unknown>> {
  const settled = await answer;
  if (settled.status !== 201 || !settled.body)
    throw new Error(`expected 201, got ${settled.status}: ${JSON.stringify(settled.body)}`);
  return settled.body;
}

/** Adds a line to the customer's cart, retrying through an outage; resolves once it is there. */
export async function fillCart(app: AppProcess, token: string, variantId: number, quantity = 1): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const added = await call(app, 'POST', '/api/cart/items', { token, body: { variantId, quantity } });
    if (added.status === 201) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('could not fill a cart');
}

/** Runs `work` on `concurrency` loops until `stop()` is true; every loop is bounded by `maxIterations`. */
export async function loops(
  concurrency: number,
  maxIterations: number,
  stop: () => boolean,
  work: (loop: number, iteration: number) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let iteration = 0; iteration < maxIterations && !stop(); iteration++) await work(loop, iteration);
    }),
  );
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Every answer in the 500 range that is not a 503 with Retry-After: what must never happen. */
export function unexplainedServerErrors(answers: Answer[]): Answer[] {
  return answers.filter((answer) => answer.status >= 500 && !(answer.status === 503 && answer.retryAfter));
}

export async function audit(app: Endpoint): Promise<{ consistent: boolean; drift: unknown[]; stuck?: unknown[] }> {
  const answer = await call(app, 'GET', '/api/inventory/audit', { token: app.token('ops', { admin: true }) });
  if (answer.status !== 200) throw new Error(`audit answered ${answer.status}`);
  return answer.body as { consistent: boolean; drift: unknown[]; stuck?: unknown[] };
}

/**
 * Carts out of line with their reservations: checked out into a reservation that is gone
 * or released (while no newer cart took their place). Empty when nothing is stranded.
 */
export async function strandedCarts(cluster: PrivateCluster): Promise<{ id: string; reservation: string | null }[]> {
  return cluster.withClient('commerce', async (client) => {
    const { rows } = await client.query(
      `SELECT c.id, r.status AS reservation FROM carts c LEFT JOIN reservations r ON r.id = c.reservation_id
        WHERE c.status = 'CHECKED_OUT' AND (r.id IS NULL OR r.status NOT IN ('ACTIVE', 'CONFIRMED'))
          AND NOT EXISTS (SELECT 1 FROM carts n WHERE n.customer_id = c.customer_id AND n.created_at > c.created_at)`,
    );
    return rows as { id: string; reservation: string | null }[];
  });
}

/** How many reservations exist with each of these ids (each 201 must be exactly one). */
export async function reservationCounts(cluster: PrivateCluster, ids: string[]): Promise<Map<string, number>> {
  return cluster.withClient('commerce', async (client) => {
    const { rows } = await client.query(
      `SELECT id, count(*)::int AS n FROM reservations WHERE id = ANY($1::uuid[]) GROUP BY id`,
      [ids],
    );
    return new Map(rows.map((row: { id: string; n: number }) => [row.id, row.n]));
  });
}
