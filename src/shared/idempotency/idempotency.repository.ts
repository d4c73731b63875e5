import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SqlPools } from '../database';
import { IdempotencyKey } from './idempotency-key.entity';

/** A customer's key. */
export interface KeyRef {
  customerId: string;
  key: string;
}

/** What is stored under a key: the request's fingerprint and, once committed, its answer. */
export interface StoredKey {
  fingerprint: string;
  /** Null while the request that claimed the key has not committed its answer. */
  responseStatus: number | null;
  responseBody: unknown;
}

/** The idempotency keys' queries. A key lives `ttlSeconds` after it was claimed. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly sql: SqlPools) {}

  /**
   * Inserts the key, or takes over one that has outlived its TTL. When a concurrent
   * transaction holds the same key uncommitted, this waits for it: after its commit the
   * key is taken (false), after its rollback the insert goes ahead (true).
   */
  async claim(tx: EntityManager, ref: KeyRef, fingerprint: string, ttlSeconds: number): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO idempotency_keys (customer_id, key, fingerprint, created_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (customer_id, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, response_status = NULL, response_body = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(secs => $4)
       RETURNING key`,
      [ref.customerId, ref.key, fingerprint, ttlSeconds],
    );
    return rows.length === 1;
  }

  /** The key if it is still live, read in `tx` when given (it then sees the transaction's own claim). */
  async find(tx: EntityManager | undefined, ref: KeyRef, ttlSeconds: number): Promise<StoredKey | null> {
    const statement = `SELECT fingerprint, response_status, response_body FROM idempotency_keys
       WHERE customer_id = $1 AND key = $2 AND created_at >= now() - make_interval(secs => $3)`;
    const parameters = [ref.customerId, ref.key, ttlSeconds];
    const [stored]: { fingerprint: string; response_status: number | null; response_body: unknown }[] = tx
      ? await tx.query(statement, parameters)
      : await this.sql.onReadPool(statement, parameters);
    return stored
      ? { fingerprint: stored.fingerprint, responseStatus: stored.response_status, responseBody: stored.response_body }
      : null;
  }

  /** Stores the answer under a key claimed in the same transaction. */
  async saveAnswer(tx: EntityManager, ref: KeyRef, status: number, body: unknown): Promise<void> {
    await tx.update(
      IdempotencyKey,
      { customerId: ref.customerId, key: ref.key },
      { responseStatus: status, responseBody: body as object },
    );
  }

  /** Deletes keys older than `ttlSeconds`; returns how many. */
  async purgeOlderThan(ttlSeconds: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.sql.onWritePool(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)`,
      [ttlSeconds],
    );
    return affected;
  }
}
