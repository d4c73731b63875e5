import { runWorker } from './worker';

/** One flash sale: every token is a buyer who adds one unit of the variant, then checks out. */
export interface FlashSaleSpec {
  url: string;
  variantId: number;
  tokens: string[];
  /** Each request's bound: past it the request is abandoned and counted as `timeout`. */
  requestTimeoutMs: number;
}

/** What one buyer saw: each answer's status, or what went wrong instead (`timeout`, `error ECONNRESET`). */
export interface BuyerOutcome {
  add: string;
  checkout: string;
  checkoutMs: number;
  /** The add and the checkout, one after the other. */
  buyerMs: number;
  /** When the checkout was answered, counted from the moment all buyers started. */
  doneAtMs: number;
}

/**
 * Runs the buyers from a process of their own (bench/flash-worker.ts), all at once, each
 * on a connection of its own. Bounded: each request by `requestTimeoutMs`, the whole
 * sale by `timeoutMs`, past which the worker is killed.
 */
export function runFlashSale(spec: FlashSaleSpec, timeoutMs: number): Promise<BuyerOutcome[]> {
  return runWorker<FlashSaleSpec, BuyerOutcome[]>('flash-worker.js', spec, timeoutMs);
}
