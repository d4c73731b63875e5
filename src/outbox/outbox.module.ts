import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InvalidationBusModule } from '../shared/bus';
import { ReplicaReadsModule } from '../shared/replica';
import { EventDelivery } from './event-delivery.entity';
import { OutboxConsumers } from './outbox-consumers';
import { OUTBOX_QUEUE } from './outbox-maintenance.queue';
import { OutboxEventRow } from './outbox-event.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { RelayWakeups } from './relay-wakeups';
import { WebhookSender } from './webhook-sender';
import { WebhookSubscription } from './webhook-subscription.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';
import { SqlPools } from '../shared/database';

/**
 * Events that are never lost: other modules write them through OutboxService inside their
 * own transactions; the relay (OutboxJobsModule, in workers) delivers them to webhook
 * subscriptions and internal consumers. Depends on the shared kernel alone.
 */
const maintenanceQueue = BullModule.registerQueue({ name: OUTBOX_QUEUE });

@Module({
  imports: [
    TypeOrmModule.forFeature([OutboxEventRow, EventDelivery, WebhookSubscription]),
    InvalidationBusModule,
    ReplicaReadsModule,
    // In every role: the queue board and the metrics show it wherever they run.
    maintenanceQueue,
  ],
  controllers: [WebhooksController],
  providers: [
    SqlPools,
    OutboxRepository,
    OutboxConsumers,
    OutboxService,
    RelayWakeups,
    WebhookSender,
    WebhooksRepository,
    WebhooksService,
  ],
  // The repository, registry, sender and queue serve OutboxJobsModule (outbox-maintenance.processor.ts); other modules use OutboxService.
  exports: [OutboxService, OutboxRepository, OutboxConsumers, WebhookSender, InvalidationBusModule, maintenanceQueue],
})
export class OutboxModule {}
