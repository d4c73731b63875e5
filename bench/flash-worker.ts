import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { BuyerOutcome, FlashSaleSpec } from './lib/flash-buyers';

/**
 * The flash sale's buyers (forked by lib/flash-buyers.ts): every buyer starts at once,
 * on a connection of its own, adds one unit to its cart, then checks out on the same
 * connection. Answers one BuyerOutcome per buyer.
 */
async function flashSale(spec: FlashSaleSpec): Promise<BuyerOutcome[]> {
  const startedAt = performance.now();
  return Promise.all(spec.tokens.map((token) => buy(spec, token, startedAt)));
}

async function buy(spec: FlashSaleSpec, token: string, startedAt: number): Promise<BuyerOutcome> {
  // One socket, kept alive between the two requests: a buyer is one browser tab.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (path: string, body?: string) => post(spec, agent, token, path, body);
  try {
    const begin = performance.now();
    const add = await send('/api/cart/items', JSON.stringify({ variantId: spec.variantId, quantity: 1 }));
    // A buyer turned away at the add (sold out) still checks out: the app must answer that with a 409 too.
    const checkoutStart = performance.now();
    const checkout = await send('/api/cart/checkout');
    const end = performance.now();
    return { add, checkout, checkoutMs: end - checkoutStart, buyerMs: end - begin, doneAtMs: end - startedAt };
  } finally {
    agent.destroy();
  }
}

/** One POST; resolves with its status, or with what went wrong instead (never rejects). */
function post(spec: FlashSaleSpec, agent: Agent, token: string, path: string, body?: string): Promise<string> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-length': String(Buffer.byteLength(body ?? '')),
      // A JSON content-type on an empty body is a 400 from the app's body guard.
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const outgoing = request(
      new URL(path, spec.url),
      { method: 'POST', agent, headers, signal: AbortSignal.timeout(spec.requestTimeoutMs) },
      (response) => {
        response.resume();
        response.once('end', () => resolve(String(response.statusCode)));
        response.once('error', (error) => resolve(failure(error)));
      },
    );
    outgoing.once('error', (error) => resolve(failure(error)));
    outgoing.end(body);
  });
}

function failure(error: Error & { code?: string }): string {
  return error.name === 'AbortError' ? 'timeout' : `error ${error.code ?? error.message}`;
}

process.once('message', (spec: FlashSaleSpec) => {
  flashSale(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
