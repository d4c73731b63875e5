import { JwtService } from '@nestjs/jwt';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenService } from '../src/shared/auth';
import type {
  FlowOutcome,
  SoakAction,
  SoakFigures,
  SoakKind,
  SoakLoadResult,
  SoakLoadSpec,
  SoakProgress,
  SoakRow,
} from './lib/soak-load';
import { FLOW_OUTCOMES, SOAK_MIX } from './lib/soak-load';
import { LatencyHistogram, round } from './lib/stats';

const TIERS = ['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'] as const;
const PAGE_SIZE = 20;
const CATALOG_PAGES = 5;
/** One cart line in this many is a scarce variant. */
const SCARCE_LINE_EVERY = 10;
/** Past this far behind its schedule, the pacer drops the missed slots instead of bursting to catch up. */
const MAX_LAG_MS = 1000;

interface Call {
  kind: SoakKind;
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: string;
  /** Whether the answer's body is needed (the checkout's reservation id); others are discarded unread. */
  readBody?: boolean;
}

/** A status code, or what went wrong instead (`timeout`, `error ECONNRESET`); never both. */
interface Answer {
  status: string;
  body: string;
}

/** A fixed-seed LCG: the same choices on every run, so runs compare. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** SOAK_MIX's 50 actions in a fixed shuffled order. */
function deck(random: () => number): SoakAction[] {
  const cards = (Object.entries(SOAK_MIX) as [SoakAction, number][]).flatMap(([action, count]) =>
    Array<SoakAction>(count).fill(action),
  );
  for (let i = cards.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [cards[i], cards[j]] = [cards[j], cards[i]];
  }
  return cards;
}

/** Sends at `perSecond` over all connections (each request takes the next slot); undefined: no pacing. */
class Pacer {
  private slot = 0;
  skipped = 0;

  constructor(
    private readonly perSecond: number | undefined,
    private readonly startedAt: number,
  ) {}

  async next(): Promise<void> {
    if (this.perSecond === undefined) return;
    const now = performance.now();
    const late = Math.floor(((now - MAX_LAG_MS - this.startedAt) * this.perSecond) / 1000);
    if (late > this.slot) {
      this.skipped += late - this.slot;
      this.slot = late;
    }
    const due = this.startedAt + (this.slot++ * 1000) / this.perSecond;
    if (due > now) await sleep(due - now);
  }
}

class Tally {
  requests = 0;
  errors = 0;
  refused = 0;
  readonly statusCounts: Record<string, number> = {};
  readonly latency = new LatencyHistogram();

  record(status: string, ms: number): void {
    this.requests++;
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
    const code = Number(status);
    if (!Number.isInteger(code) || code >= 500) this.errors++;
    else if (code >= 400) this.refused++;
    // Latencies of answered requests only: a timeout's would be the timeout.
    if (Number.isInteger(code)) this.latency.record(ms);
  }

  figures(): SoakFigures {
    return {
      requests: this.requests,
      errors: this.errors,
      refused: this.refused,
      statusCounts: this.statusCounts,
      p50Ms: round(this.latency.percentile(50)),
      p99Ms: round(this.latency.percentile(99)),
    };
  }
}

/**
 * The soak's load (forked by lib/soak-load.ts): `connections` clients, each taking the
 * next action of the mix until `seconds` have passed, every request paced by one
 * schedule. Sends a progress message when it starts and as each row closes, then the
 * totals.
 */
async function soak(spec: SoakLoadSpec): Promise<SoakLoadResult> {
  const tokens = new TokenService(new JwtService({ secret: spec.jwtSecret }));
  const tokenLife = Math.ceil(spec.seconds) + 3600;
  const adminToken = tokens.issue({ sub: 'bench-soak-admin', admin: true, expiresInSeconds: tokenLife });
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const random = lcg(1);
  const actions = deck(random);
  const { variantIds, scarceVariantIds, categoryIds } = spec.catalog;
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)];

  const total = new Tally();
  const kinds: Partial<Record<SoakKind, Tally>> = {};
  const flows: SoakLoadResult['flows'] = {
    started: 0,
    checkedOut: { confirm: 0, cancel: 0, abandon: 0 },
    confirmed: 0,
    cancelled: 0,
  };
  let row = new Tally();
  const rows: SoakRow[] = [];
  let cursor = 0;
  let flowNumber = 0;
  let lastAnswerAt = 0;

  const startedAt = performance.now();
  const endAt = startedAt + spec.seconds * 1000;
  const pacer = new Pacer(spec.perSecond, startedAt);
  const progress = (message: SoakProgress) => process.send?.({ progress: message });
  let skippedBefore = 0;
  const closeRow = (toSeconds: number) => {
    const closed: SoakRow = {
      row: rows.length,
      fromSeconds: round(rows.length * spec.rowSeconds, 1),
      toSeconds: round(toSeconds, 1),
      skipped: pacer.skipped - skippedBefore,
      ...row.figures(),
    };
    skippedBefore = pacer.skipped;
    rows.push(closed);
    row = new Tally();
    progress({ row: closed });
  };
  const rowCount = Math.max(1, Math.round(spec.seconds / spec.rowSeconds));
  let rowTimer: NodeJS.Timeout | undefined;
  const scheduleRow = () => {
    if (rows.length >= rowCount - 1) return; // the last row closes when the clients are done
    const boundary = startedAt + (rows.length + 1) * spec.rowSeconds * 1000;
    rowTimer = setTimeout(
      () => {
        closeRow((boundary - startedAt) / 1000);
        scheduleRow();
      },
      Math.max(0, boundary - performance.now()),
    );
  };

  const call = async (next: Call): Promise<Answer> => {
    await pacer.next();
    const begin = performance.now();
    const answer = await send(spec, agent, next);
    const end = performance.now();
    lastAnswerAt = end;
    for (const tally of [total, row, (kinds[next.kind] ??= new Tally())]) tally.record(answer.status, end - begin);
    return answer;
  };

  const read = (action: Exclude<SoakAction, 'flow'>): Call => {
    switch (action) {
      case 'products':
        return {
          kind: 'products',
          method: 'GET',
          path:
            random() < 0.5
              ? `/api/products?limit=${PAGE_SIZE}&offset=${Math.floor(random() * CATALOG_PAGES) * PAGE_SIZE}`
              : `/api/products?categoryId=${pick(categoryIds)}&limit=${PAGE_SIZE}`,
        };
      case 'categories':
        return { kind: 'categories', method: 'GET', path: '/api/products/categories?limit=100' };
      case 'quote':
        return {
          kind: 'quote',
          method: 'GET',
          path: `/api/pricing/${pick(variantIds)}/price?quantity=${1 + Math.floor(random() * 12)}&tier=${pick([...TIERS])}`,
        };
      case 'stock':
        return { kind: 'stock', method: 'GET', path: `/api/inventory/${pick(variantIds)}` };
    }
  };

  // A new customer per flow: a cancelled or expired checkout gives its cart back, which the next flow would inherit.
  const flow = async (n: number): Promise<void> => {
    const outcome: FlowOutcome = FLOW_OUTCOMES[n % FLOW_OUTCOMES.length];
    const token = tokens.issue({
      sub: `${spec.customerPrefix}-${outcome}-${spec.phase}-${n}`,
      tier: TIERS[n % TIERS.length],
      expiresInSeconds: tokenLife,
    });
    flows.started++;
    const lines = new Set<number>();
    for (let draw = 0; lines.size < 1 + (n % 3) && draw < 10; draw++) {
      lines.add(random() * SCARCE_LINE_EVERY < 1 ? pick(scarceVariantIds) : pick(variantIds));
    }
    for (const variantId of lines) {
      await call({
        kind: 'cart-add',
        method: 'POST',
        path: '/api/cart/items',
        token,
        body: JSON.stringify({ variantId, quantity: 1 }),
      });
    }
    const checkout = await call({
      kind: 'checkout',
      method: 'POST',
      path: '/api/cart/checkout',
      token,
      readBody: true,
    });
    if (checkout.status !== '201') return; // sold out, or an error: counted, nothing to close
    flows.checkedOut[outcome]++;
    const id = reservationId(checkout.body);
    if (id === undefined) return; // the database check reports the reservation left ACTIVE
    if (outcome === 'confirm') {
      const answer = await call({
        kind: 'confirm',
        method: 'POST',
        path: `/api/reservations/${id}/confirm`,
        token: adminToken,
      });
      if (answer.status === '200') flows.confirmed++;
    } else if (outcome === 'cancel') {
      const answer = await call({ kind: 'cancel', method: 'POST', path: `/api/reservations/${id}/cancel`, token });
      if (answer.status === '200') flows.cancelled++;
    }
  };

  const client = async (): Promise<void> => {
    while (performance.now() < endAt) {
      const action = actions[cursor++ % actions.length];
      if (action === 'flow') await flow(flowNumber++);
      else await call(read(action));
    }
  };

  progress({ started: true });
  scheduleRow();
  try {
    await Promise.all(Array.from({ length: spec.connections }, client));
  } finally {
    clearTimeout(rowTimer);
    agent.destroy();
  }
  const seconds = (Math.max(lastAnswerAt, endAt) - startedAt) / 1000;
  closeRow(seconds);
  return {
    ...total.figures(),
    seconds: round(seconds, 2),
    skipped: pacer.skipped,
    rows,
    kinds: Object.fromEntries(Object.entries(kinds).map(([kind, tally]) => [kind, tally.figures()])),
    flows,
  };
}

function reservationId(body: string): string | undefined {
  try {
    const { id } = JSON.parse(body) as { id?: unknown };
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** One request; resolves with its status (and body when asked for), or with what went wrong instead (never rejects). */
function send(spec: SoakLoadSpec, agent: Agent, call: Call): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
      // A JSON content-type on an empty body is a 400 from the app's body guard.
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(call.method === 'POST' ? { 'content-length': String(Buffer.byteLength(call.body ?? '')) } : {}),
    };
    const failed = (error: Error & { code?: string }) =>
      resolve({ status: error.name === 'AbortError' ? 'timeout' : `error ${error.code ?? error.message}`, body: '' });
    const outgoing = request(
      new URL(call.path, spec.url),
      { method: call.method, agent, headers, signal: AbortSignal.timeout(spec.requestTimeoutMs) },
      (response) => {
        const chunks: Buffer[] = [];
        if (call.readBody) response.on('data', (chunk: Buffer) => chunks.push(chunk));
        else response.resume();
        response.once('end', () =>
          resolve({ status: String(response.statusCode), body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.once('error', failed);
      },
    );
    outgoing.once('error', failed);
    outgoing.end(call.body);
  });
}

process.once('message', (spec: SoakLoadSpec) => {
  soak(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
