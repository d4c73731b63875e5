import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SqlPools } from '../database';
import { IdempotencyKey } from './idempotency-key.entity';
import { IDEMPOTENCY_QUEUE } from './idempotency-purge.queue';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

// In every role: the queue board and the metrics show it wherever they run.
const purgeQueue = BullModule.registerQueue({ name: IDEMPOTENCY_QUEUE });

/**
 * Idempotency-Key handling for any module's writes: the keys and their stored answers.
 * Workers purge expired keys (IdempotencyJobsModule).
 */
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKey]), purgeQueue],
  providers: [SqlPools, IdempotencyRepository, IdempotencyService],
  exports: [IdempotencyService, purgeQueue],
})
export class IdempotencyModule {}
