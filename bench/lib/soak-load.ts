import { runWorker } from './worker';

/**
 * The soak's traffic, per 50 actions, dealt in a fixed shuffled order that every
 * connection takes the next action from: a product list page (half of them the whole
 * catalog's first 5 pages, half a department's or an aisle's first page), the category
 * tree's first page, a price quote, a stock read, or a customer's flow. A flow is 1 to 3
 * cart adds (one line in 10 a scarce variant, which sells out), a checkout, then, by turns,
 * a confirm (as the payment would: 2 flows in 4), a cancel (1 in 4), or nothing: the hold is
 * left to expire (1 in 4). A flow averages 3.75 requests, so the requests are about 26 %
 * product pages, 5 % category tree, 26 % quotes, 18 % stock reads, 25 % cart and checkout.
 */
export const SOAK_MIX = { products: 16, categories: 3, quote: 16, stock: 11, flow: 4 } as const;
export type SoakAction = keyof typeof SOAK_MIX;

/** What a flow does after its checkout, by turns: customer ids carry it, for the database checks. */
export const FLOW_OUTCOMES = ['confirm', 'confirm', 'cancel', 'abandon'] as const;
export type FlowOutcome = (typeof FLOW_OUTCOMES)[number];

/** The routes of the mix, as the figures are broken down. */
export type SoakKind = 'products' | 'categories' | 'quote' | 'stock' | 'cart-add' | 'checkout' | 'confirm' | 'cancel';

export interface SoakLoadSpec {
  url: string;
  connections: number;
  /** How long new actions start; flows under way then finish (their requests count in the last row). */
  seconds: number;
  /** Requests per second to pace at (every request of a flow counts); undefined: as fast as `connections` go. */
  perSecond?: number;
  /** Length of a row of the figures. */
  rowSeconds: number;
  catalog: { variantIds: number[]; scarceVariantIds: number[]; categoryIds: number[] };
  /** The app's JWT secret: the worker signs its customers' tokens (one customer per flow) and an admin's. */
  jwtSecret: string;
  /** Customers are `${customerPrefix}-${outcome}-${phase}-${n}`. */
  customerPrefix: string;
  phase: string;
  requestTimeoutMs: number;
}

/** The figures of one row (or of a whole run, or of one route). */
export interface SoakFigures {
  /** Requests sent, answered or not. */
  requests: number;
  /** 5xx answers and requests without an answer (timeouts, resets). */
  errors: number;
  /** 4xx answers: 409s (sold out, purchase limit, empty cart) are expected, any other is a bench bug. */
  refused: number;
  statusCounts: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

export interface SoakRow extends SoakFigures {
  row: number;
  fromSeconds: number;
  toSeconds: number;
  /** Requests the pacer dropped because the app was more than a second behind the schedule. */
  skipped: number;
}

export interface SoakLoadResult extends SoakFigures {
  /** From the first request to the last answer. */
  seconds: number;
  skipped: number;
  rows: SoakRow[];
  kinds: Partial<Record<SoakKind, SoakFigures>>;
  flows: {
    started: number;
    /** Checkouts answered 201, by what the flow does next. */
    checkedOut: Record<FlowOutcome, number>;
    confirmed: number;
    cancelled: number;
  };
}

/** `started` when the first request goes out, then each row as it closes. */
export type SoakProgress = { started: true } | { row: SoakRow };

/**
 * Runs the soak's mix from a process of its own (bench/soak-worker.ts). Bounded: new
 * actions stop after `seconds`, each request by `requestTimeoutMs`, the whole run by
 * `timeoutMs`, past which the worker is killed.
 */
export function runSoakLoad(
  spec: SoakLoadSpec,
  timeoutMs: number,
  onProgress: (progress: SoakProgress) => void,
): Promise<SoakLoadResult> {
  return runWorker<SoakLoadSpec, SoakLoadResult, SoakProgress>('soak-worker.js', spec, timeoutMs, onProgress);
}
