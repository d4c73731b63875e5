import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryForRead } from './database.options';

/**
 * Raw SQL outside a transaction, with the pool named at every call. Both pools reach the
 * primary and see every commit; they differ in who may wait for whom. The write pool
 * serves checkouts, stock writes and every transaction, so a burst of reads must not take
 * its connections: reads go to the smaller read pool (DATABASE_READ_POOL_SIZE). Inside a
 * transaction, use its manager (`tx.query`); a read that may lag go to ReplicaReads.
 */
@Injectable()
export class SqlPools {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A read: a page, a lookup, a count for a screen or a metric. */
  onReadPool<T = unknown>(sql: string, parameters?: unknown[]): Promise<T> {
    return queryForRead<T>(this.dataSource, sql, parameters);
  }

  /**
   * A write in a statement of its own, or a read that decides a write (a claim, a lease):
   * it waits with the writes, not with the reads. The result is the driver's: rows for a
   * SELECT or RETURNING, `[rows, affected]` for an UPDATE or DELETE.
   */
  onWritePool<T = unknown>(sql: string, parameters?: unknown[]): Promise<T> {
    return this.dataSource.query(sql, parameters) as Promise<T>;
  }
}
