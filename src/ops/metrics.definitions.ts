import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/** Metric names, as Prometheus scrapes them. */
export const Metric = {
  HttpDuration: 'http_request_duration_seconds',
  Checkouts: 'commerce_checkouts_total',
  RateLimited: 'commerce_rate_limited_requests_total',
  ActiveReservations: 'commerce_reservations_active',
  ExpiryLag: 'commerce_reservation_expiry_lag_seconds',
  QueueJobs: 'commerce_queue_jobs',
  DbPoolInUse: 'commerce_db_pool_connections_in_use',
  DbPoolWaiting: 'commerce_db_pool_waiting_requests',
  CatalogCacheEntries: 'commerce_catalog_cache_entries',
  CatalogCacheLookups: 'commerce_catalog_cache_lookups',
  OutboxBacklog: 'commerce_outbox_backlog',
  ReplicaReads: 'commerce_replica_safe_reads',
  ReplicaLag: 'commerce_replica_lag_seconds',
} as const;

export const METRIC_PROVIDERS = [
  makeHistogramProvider({
    name: Metric.HttpDuration,
    help: 'Time to answer an HTTP request, by route template and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  makeCounterProvider({
    name: Metric.Checkouts,
    help: 'Checkouts by outcome: CREATED, REPLAYED (an Idempotency-Key answered again) or the problem code',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: Metric.RateLimited,
    help: 'Requests refused with 429 RATE_LIMITED, by route template',
    labelNames: ['route'],
  }),
  makeGaugeProvider({
    name: Metric.ActiveReservations,
    help: 'Reservations holding stock (ACTIVE), overdue ones included until released',
  }),
  makeHistogramProvider({
    name: Metric.ExpiryLag,
    help: 'Seconds between a reservation falling due (expiresAt) and its stock being released',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
  }),
  makeGaugeProvider({
    name: Metric.QueueJobs,
    help: 'Jobs in each Bull queue by state (waiting, active, delayed, failed, completed, paused)',
    labelNames: ['queue', 'state'],
  }),
  makeGaugeProvider({
    name: Metric.DbPoolInUse,
    help: 'PostgreSQL connections of this process checked out of the pool',
  }),
  makeGaugeProvider({
    name: Metric.DbPoolWaiting,
    help: 'Queries of this process waiting for a free pool connection',
  }),
  makeGaugeProvider({
    name: Metric.CatalogCacheEntries,
    help: "Entries in this instance's catalog read model, by kind (variant_view, subtree)",
    labelNames: ['kind'],
  }),
  makeGaugeProvider({
    name: Metric.CatalogCacheLookups,
    help: 'Variant views looked up in the catalog read model since the process started, by result (hit, miss)',
    labelNames: ['result'],
  }),
  makeGaugeProvider({
    name: Metric.OutboxBacklog,
    help: 'The outbox: events not yet fanned out (undispatched), deliveries still to make (pending), failed for good (failed)',
    labelNames: ['kind'],
  }),
  makeGaugeProvider({
    name: Metric.ReplicaReads,
    help: 'Replica-safe reads since the process started, by where they were served (replica, primary)',
    labelNames: ['served_by'],
  }),
  makeGaugeProvider({
    name: Metric.ReplicaLag,
    help: 'How far the replica was behind at its last sample (-1 when it is down or not a replica)',
  }),
];
