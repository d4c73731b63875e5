import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Env } from '../config';
import { DomainError } from '../errors';
import { IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyRepository, KeyRef } from './idempotency.repository';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  /** True when the body is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** A request made with an Idempotency-Key: who made it, and what it asked for. */
interface IdempotentRequest extends KeyRef {
  /** The operation, e.g. `checkoutCart`: one key used on two operations is a different request. */
  operation: string;
  /** The request body (or whatever else makes two requests differ). */
  payload: unknown;
}

/**
 * One request's Idempotency-Key, bound once and called in line by the use case: look for
 * an earlier answer first; inside the write's transaction, claim the key before writing
 * and store the answer after. A concurrent duplicate waits on the claimed row and then
 * replays the winner's answer, so two requests with one key never both write. A request
 * that fails stores nothing (its transaction rolled back), so it may be retried with the
 * same key. Without a key every step is a no-op.
 */
export class IdempotentCall<T> {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly ttlSeconds: number,
    private readonly request: IdempotentRequest | undefined,
  ) {}

  /**
   * The stored answer to an earlier request with this key, or null. Asked before the
   * request's own reads, so a replay does not depend on state that has moved on since
   * (the cart the first request checked out is gone).
   */
  async earlierAnswer(tx?: EntityManager): Promise<IdempotentResult<T> | null> {
    if (!this.request) return null;
    const stored = await this.keys.find(tx, this.request, this.ttlSeconds);
    if (!stored || stored.responseStatus === null) return null;
    if (stored.fingerprint !== fingerprintOf(this.request)) throw new IdempotencyKeyReusedError();
    return { status: stored.responseStatus, body: stored.responseBody as T, replayed: true };
  }

  /**
   * Claims the key in `tx`, the write's transaction, before anything is written. Returns
   * the earlier answer when another request holds the key: the caller returns it and
   * writes nothing.
   */
  async claim(tx: EntityManager): Promise<IdempotentResult<T> | null> {
    if (!this.request || (await this.keys.claim(tx, this.request, fingerprintOf(this.request), this.ttlSeconds))) {
      return null;
    }
    // Taken and not expired, so committed with its answer (claim and answer share a transaction).
    const earlier = await this.earlierAnswer(tx);
    if (!earlier) throw new Error(`Idempotency key of ${this.request.customerId} is taken but has no answer`);
    return earlier;
  }

  /** Stores the answer under the claimed key, in the write's transaction, and returns it. */
  async answer(tx: EntityManager, status: number, body: T): Promise<IdempotentResult<T>> {
    if (this.request) await this.keys.saveAnswer(tx, this.request, status, body);
    return { status, body, replayed: false };
  }

  /**
   * For a request that failed: a domain error may mean it lost a race with its own
   * duplicate (it read the state the duplicate then changed), whose stored answer is then
   * the right one. Rethrows `error` otherwise.
   */
  async answerInsteadOf(error: unknown): Promise<IdempotentResult<T>> {
    const duplicate = error instanceof DomainError ? await this.earlierAnswer() : null;
    if (duplicate) return duplicate;
    throw error;
  }
}

/** Binds requests to their Idempotency-Key, and purges keys past IDEMPOTENCY_KEY_TTL_SECONDS. */
@Injectable()
export class IdempotencyService {
  private readonly ttlSeconds: number;

  constructor(
    private readonly keys: IdempotencyRepository,
    config: ConfigService<Env, true>,
  ) {
    this.ttlSeconds = config.get('IDEMPOTENCY_KEY_TTL_SECONDS', { infer: true });
  }

  /**
   * The key of one request; `key` undefined when the caller sent none. `owner` is whose
   * keys these are: a customer's id for their own requests, or a name shared by a team
   * (every staff member writing stock), so that one retried request is one write whoever
   * sends the retry.
   */
  forRequest<T>(owner: string, key: string | undefined, operation: string, payload: unknown): IdempotentCall<T> {
    const request = key === undefined ? undefined : { customerId: owner, key, operation, payload };
    return new IdempotentCall<T>(this.keys, this.ttlSeconds, request);
  }

  /** Deletes keys older than IDEMPOTENCY_KEY_TTL_SECONDS; returns how many. */
  purgeExpired(): Promise<number> {
    return this.keys.purgeOlderThan(this.ttlSeconds);
  }
}

function fingerprintOf(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.operation, request.payload ?? null]))
    .digest('hex');
}
