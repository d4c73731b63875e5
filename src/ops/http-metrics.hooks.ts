import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { ErrorCode } from '../shared/errors';
import { Metric } from './metrics.definitions';
import { outcomeOf, recordOutcome } from './request-outcome';

const CHECKOUT_ROUTE = '/api/cart/checkout';
/** Unrouted paths share one label, so scanners cannot grow the series without bound. */
const UNMATCHED = 'unmatched';

/**
 * Fastify hooks that time every request by its route template and count checkouts and
 * rate-limited requests. Hooks added before the server is ready apply to every route,
 * the queue board's included.
 */
@Injectable()
export class HttpMetricsHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectMetric(Metric.HttpDuration) private readonly duration: Histogram<string>,
    @InjectMetric(Metric.Checkouts) private readonly checkouts: Counter<string>,
    @InjectMetric(Metric.RateLimited) private readonly rateLimited: Counter<string>,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // Standalone contexts (the CLI) have no HTTP server to measure.
    if (!fastify?.addHook) return;
    fastify.addHook('onSend', async (request, reply, payload) => {
      recordOutcome(request, reply, payload);
      return payload;
    });
    fastify.addHook('onResponse', async (request, reply) => this.observe(request, reply));
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? UNMATCHED;
    const status = reply.statusCode;
    this.duration.observe({ method: request.method, route, status_code: String(status) }, reply.elapsedTime / 1000);
    const { code } = outcomeOf(request.raw);
    if (status === 429 || code === ErrorCode.RATE_LIMITED) this.rateLimited.inc({ route });
    if (request.method === 'POST' && route === CHECKOUT_ROUTE) {
      const replayed = reply.getHeader('idempotent-replayed') === 'true';
      this.checkouts.inc({ outcome: code ?? (replayed ? 'REPLAYED' : 'CREATED') });
    }
  }
}
