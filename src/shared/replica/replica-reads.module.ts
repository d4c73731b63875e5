import { Module } from '@nestjs/common';
import { InvalidationBusModule } from '../bus';
import { ReplicaReads } from './replica-reads';

/** Imported by every module with replica-safe reads; Nest makes one per process. */
@Module({ imports: [InvalidationBusModule], providers: [ReplicaReads], exports: [ReplicaReads] })
export class ReplicaReadsModule {}
