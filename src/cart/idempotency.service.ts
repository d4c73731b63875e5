import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../shared/auth';
import { Env } from '../shared/config';
import { DomainError } from '../shared/errors';
import { IdempotencyKeyReusedError } from './cart.errors';
import { IdempotencyKey } from './idempotency-key.entity';

/** A request made with an Idempotency-Key: who made it, and what it asked for. */
export interface IdempotentRequest {
  customerId: string;
  key: string;
  /** The operation, e.g. `checkoutCart`: one key used on two operations is a different request. */
  operation: string;
  /** The request body (or whatever else makes two requests differ). */
  payload: unknown;
}

/** The request to run idempotently, or undefined when the caller sent no key. */
export function idempotentRequest(
  principal: Principal,
  key: string | undefined,
  operation: string,
  payload: unknown,
): IdempotentRequest | undefined {
  return key === undefined ? undefined : { customerId: principal.customerId, key, operation, payload };
}

export interface IdempotentResult<T> {
  status: number;
  body: T;
  /** True when the body is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/**
 * Runs a write at most once per customer and key, and answers replays with the stored
 * response. The key is claimed inside the write's transaction, first: a concurrent
 * duplicate waits on that row and then replays the winner's answer, so two requests
 * with one key never both write. A request that fails stores nothing (its transaction
 * rolled back), so the client may retry it with the same key.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /**
   * Answers an earlier request's stored answer, or runs `work` (whose writes go through
   * `transaction`). A domain error from `work` may mean it lost a race with its own
   * duplicate (it read the state the duplicate then changed): the duplicate's stored
   * answer is then the right one.
   */
  async run<T>(
    request: IdempotentRequest | undefined,
    work: () => Promise<IdempotentResult<T>>,
  ): Promise<IdempotentResult<T>> {
    const earlier = await this.replayOf<T>(request);
    if (earlier) return earlier;
    try {
      return await work();
    } catch (error) {
      const duplicate = error instanceof DomainError ? await this.replayOf<T>(request) : null;
      if (duplicate) return duplicate;
      throw error;
    }
  }

  /**
   * The stored answer to an earlier request with this key, or null when there is none.
   * Called before a request's own reads, so a replay does not depend on state that has
   * moved on since (the cart the first request checked out is gone).
   */
  async replayOf<T>(request: IdempotentRequest | undefined): Promise<IdempotentResult<T> | null> {
    if (!request) return null;
    return this.storedAnswer<T>(this.dataSource.manager, request);
  }

  /**
   * Runs `write` in a transaction that also records its answer under the key. Without a
   * key it is a plain transaction.
   */
  async transaction<T>(
    request: IdempotentRequest | undefined,
    status: number,
    write: (tx: EntityManager) => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    return this.dataSource.transaction(async (tx) => {
      if (!request) return { status, body: await write(tx), replayed: false };
      if (!(await this.claim(tx, request))) {
        // Taken and not expired, so committed with its answer (claim and answer share a transaction).
        const earlier = await this.storedAnswer<T>(tx, request);
        if (!earlier) throw new Error(`Idempotency key of ${request.customerId} is taken but has no answer`);
        return earlier;
      }
      const body = await write(tx);
      await tx.update(
        IdempotencyKey,
        { customerId: request.customerId, key: request.key },
        { responseStatus: status, responseBody: body as object },
      );
      return { status, body, replayed: false };
    });
  }

  /** Deletes keys older than IDEMPOTENCY_KEY_TTL_SECONDS; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKey)
      .where(`created_at < now() - make_interval(secs => :ttl)`, { ttl: this.ttlSeconds })
      .execute();
    return result.affected ?? 0;
  }

  private get ttlSeconds(): number {
    return this.config.get('IDEMPOTENCY_KEY_TTL_SECONDS', { infer: true });
  }

  /**
   * Inserts the key, or takes over one that has outlived its TTL. When a concurrent
   * transaction holds the same key uncommitted, this waits for it: after its commit the
   * key is taken (false), after its rollback the insert goes ahead (true).
   */
  private async claim(tx: EntityManager, request: IdempotentRequest): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO idempotency_keys (customer_id, key, fingerprint, created_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (customer_id, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, response_status = NULL, response_body = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(secs => $4)
       RETURNING key`,
      [request.customerId, request.key, fingerprintOf(request), this.ttlSeconds],
    );
    return rows.length === 1;
  }

  private async storedAnswer<T>(
    manager: EntityManager,
    request: IdempotentRequest,
  ): Promise<IdempotentResult<T> | null> {
    const stored = await manager
      .getRepository(IdempotencyKey)
      .createQueryBuilder('k')
      .where('k.customer_id = :customerId AND k.key = :key', request)
      .andWhere(`k.created_at >= now() - make_interval(secs => :ttl)`, { ttl: this.ttlSeconds })
      .getOne();
    if (!stored || stored.responseStatus === null) return null;
    if (stored.fingerprint !== fingerprintOf(request)) throw new IdempotencyKeyReusedError();
    return { status: stored.responseStatus, body: stored.responseBody as T, replayed: true };
  }
}

function fingerprintOf(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.operation, request.payload ?? null]))
    .digest('hex');
}
