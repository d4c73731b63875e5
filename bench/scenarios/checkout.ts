import { setTimeout as sleep } from 'node:timers/promises';
import { BenchContext, ScenarioResult, summary } from '../lib/context';
import { LoadRequest, LoadResult } from '../lib/load';
import { pgbench, PgbenchResult } from '../lib/pgbench';
import { round } from '../lib/stats';

export interface CheckoutPlan {
  label: string;
  /** The variants of each customer's cart, one unit each. */
  carts: number[][];
  pgbench: { script: string; variables: Record<string, number> };
}

export interface FilledCarts {
  customers: { id: string; token: string }[];
  adds: LoadResult[];
}

/**
 * Fills one cart per customer through POST /api/cart/items. Line k of every cart goes in
 * round k, so that no customer sends two adds at once (the cart row would make them wait
 * on each other, which is not what is measured here).
 */
export async function fillCarts(ctx: BenchContext, label: string, carts: number[][]): Promise<FilledCarts> {
  const customers = carts.map((_, index) => {
    const id = `bench-${label}-${index}`;
    return { id, token: ctx.customerToken(id) };
  });
  const rounds = Math.max(...carts.map((cart) => cart.length));
  const adds: LoadResult[] = [];
  for (let line = 0; line < rounds; line++) {
    const requests: LoadRequest[] = carts.flatMap((cart, index) =>
      line < cart.length ? [addRequest(customers[index].token, cart[line])] : [],
    );
    adds.push(await ctx.loadAll(requests, 201, `${label}: adding line ${line + 1}`));
  }
  return { customers, adds };
}

export function checkoutRequests(customers: { token: string }[]): LoadRequest[] {
  return customers.map((customer) => ({
    method: 'POST',
    path: '/api/cart/checkout',
    headers: { authorization: `Bearer ${customer.token}` },
  }));
}

function addRequest(token: string, variantId: number): LoadRequest {
  return {
    method: 'POST',
    path: '/api/cart/items',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ variantId, quantity: 1 }),
  };
}

/**
 * Every customer checks out once, `connections` at a time; then pgbench runs the
 * equivalent SQL transaction at the same concurrency against the same server, and the
 * stock is audited.
 */
export async function checkoutScenario(ctx: BenchContext, plan: CheckoutPlan): Promise<ScenarioResult> {
  const { customers, adds } = await fillCarts(ctx, plan.label, plan.carts);
  const deadlocksBefore = await ctx.deadlocksSoFar();

  const checkout = await ctx.load({
    requests: checkoutRequests(customers),
    amount: customers.length,
    expectStatus: [201],
  });
  const reserved = await ctx.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM reservations WHERE owner_id LIKE $1 AND status = 'ACTIVE'`,
    [`bench-${plan.label}-%`],
  );
  const oversold = await ctx.oversoldUnits();
  const auditDrift = await ctx.auditDrift();

  // On a --baseline side the limit is the current build's side's, measured there: the
  // pgbench script is built around this checkout's reservation statement and schema.
  const limit = ctx.measuresLimits ? await checkoutLimit(ctx, plan) : undefined;
  // PostgreSQL publishes an idle backend's counters within 10 s; pgbench, when it ran, has run for part of it.
  await sleep(Math.max(0, ctx.options.statsSettleSeconds - (limit ? ctx.options.pgbenchSeconds : 0)) * 1000);
  const deadlocks = (await ctx.deadlocksSoFar()) - deadlocksBefore;

  return {
    ...summary(checkout),
    ...(limit && {
      limitThroughput: limit.tps,
      ratio: checkout.throughput / limit.tps,
      limitP50Ms: limit.p50Ms,
      limitP99Ms: limit.p99Ms,
      limitFailed: limit.failed,
    }),
    checkouts: checkout.ok,
    statusCounts: checkout.statusCounts,
    // Every 201 must be exactly one ACTIVE reservation: none lost, none extra.
    reservationsMismatch: Math.abs(reserved.rows[0].count - checkout.ok),
    oversold,
    auditDrift,
    deadlocks,
    lines: plan.carts[0]?.length ?? 0,
    addThroughput: round(adds.reduce((sum, add) => sum + add.throughput, 0) / adds.length),
    addP99Ms: Math.max(...adds.map((add) => add.p99Ms)),
    addAppCpuMsPerRequest: round(adds.reduce((sum, add) => sum + (add.appCpuMsPerRequest ?? 0), 0) / adds.length, 2),
  };
}

/** pgbench running the equivalent SQL transaction at the same concurrency against the same server. */
function checkoutLimit(ctx: BenchContext, plan: CheckoutPlan): Promise<PgbenchResult> {
  return pgbench({
    databaseUrl: ctx.databaseUrl,
    script: plan.pgbench.script,
    clients: ctx.options.connections,
    seconds: ctx.options.pgbenchSeconds,
    variables: plan.pgbench.variables,
  });
}

/** Customers' carts of `lines` distinct variants drawn at random from `variantIds`. */
export function randomCarts(variantIds: number[], customers: number, lines: number, seed = 1): number[][] {
  let state = seed;
  const random = () => {
    // A fixed-seed LCG: the same carts on every run, so runs compare.
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: customers }, () => {
    const cart = new Set<number>();
    while (cart.size < lines) cart.add(variantIds[Math.floor(random() * variantIds.length)]);
    return [...cart];
  });
}
