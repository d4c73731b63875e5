import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetrics, register } from 'prom-client';
import { InventoryModule } from '../inventory';
import { OutboxModule } from '../outbox';
import { ProductsModule } from '../products';
import { HttpMetricsHooks } from './http-metrics.hooks';
import { LifecycleLogger } from './lifecycle.logger';
import { MetricsCollector } from './metrics.collector';
import { MetricsController } from './metrics.controller';
import { METRIC_PROVIDERS } from './metrics.definitions';
import { MetricsServer } from './metrics.server';
import { OPS_QUEUES } from './ops-queues';
import { QUEUE_BOARD_PATH, QueueBoardAuth } from './queue-board.auth';
import { QueueBoardController } from './queue-board.controller';
import { ReplicaReadsModule } from '../shared/replica';

// Node's process metrics live in prom-client's global registry, once per process: the
// tests and the CLI build several apps in one process.
if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();

/**
 * What operators look at: /metrics, the Bull queue board at /admin/queues and the
 * lifecycle log lines. It reads the domain modules only through their public surface.
 * Global only so that the metrics controller, which @willsoto/nestjs-prometheus mounts
 * in its own module, can reach the collector.
 */
@Global()
@Module({
  imports: [
    InventoryModule,
    ProductsModule,
    OutboxModule,
    ReplicaReadsModule,
    PrometheusModule.register({ controller: MetricsController, path: '/metrics', defaultMetrics: { enabled: false } }),
    BullBoardModule.forRoot({
      route: QUEUE_BOARD_PATH,
      adapter: FastifyAdapter,
      boardOptions: { uiConfig: { boardTitle: 'Commerce queues' } },
    }),
    ...OPS_QUEUES.map(({ name, readOnly }) =>
      BullBoardModule.forFeature({ name, adapter: BullAdapter, options: { readOnlyMode: readOnly } }),
    ),
  ],
  controllers: [QueueBoardController],
  providers: [...METRIC_PROVIDERS, MetricsCollector, HttpMetricsHooks, MetricsServer, QueueBoardAuth, LifecycleLogger],
  exports: [MetricsCollector, MetricsServer, LifecycleLogger],
})
export class OpsModule {}
