import { runWorker } from './worker';

/** One HTTP request of a load run. */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A load run: `connections` clients take the requests in order, each exactly once when
 * `amount` equals their number, or round and round for `durationSeconds`.
 */
export interface LoadSpec {
  url: string;
  connections: number;
  requests: LoadRequest[];
  amount?: number;
  durationSeconds?: number;
  /** Statuses that count as success; every other answer (and every socket error) is an error. */
  expectStatus: number[];
}

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  statusCounts: Record<string, number>;
  seconds: number;
  /** Successful requests per second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU the app's process spent per answered request during the run (ms); set by BenchContext. */
  appCpuMsPerRequest?: number;
}

/**
 * Runs the load from a child process of its own, so that the load generator's CPU is
 * not the bench orchestrator's, and the app's process does nothing but serve.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return runWorker<LoadSpec, LoadResult>('load-worker.js', spec);
}
