import { Controller, Get, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { Public } from '../shared/auth';
import { Env } from '../shared/config';
import { NotFoundError } from '../shared/errors';
import { MetricsCollector } from './metrics.collector';

/**
 * GET /metrics in Prometheus text format, outside the /api prefix and the rate limit
 * (a scraper must never be refused). With METRICS_PORT set it answers 404 here and the
 * same document is served on that port only.
 */
@ApiExcludeController()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(
    private readonly collector: MetricsCollector,
    private readonly config: ConfigService<Env, true>,
  ) {
    super();
  }

  @Get()
  @Public()
  override async index(@Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    if (this.config.get('METRICS_PORT', { infer: true }) !== 0) throw new NotFoundError('Route', 'GET /metrics');
    await this.collector.refresh();
    return super.index(response);
  }
}
