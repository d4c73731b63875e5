import { Module } from '@nestjs/common';
import { InvalidationBus } from './invalidation-bus';

/** Imported by every module that caches or invalidates; Nest makes one bus per process. */
@Module({ providers: [InvalidationBus], exports: [InvalidationBus] })
export class InvalidationBusModule {}
