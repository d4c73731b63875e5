import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NewOutboxEvent } from './event-types';
import { SqlPools } from '../shared/database';

/** An internal consumer and the event types it takes, as the dispatcher fans events out to it. */
export interface ConsumerInterest {
  name: string;
  types: readonly string[];
}

/** A delivery the relay holds a lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  target: string;
  subscriptionId: string | null;
  /** The attempt this lease is for; a result is recorded only while it is still the current one. */
  attempts: number;
  createdAt: Date;
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  occurredAt: Date;
  url: string | null;
  secret: string | null;
}

export interface ClaimRequest {
  limit: number;
  /** How many deliveries of one target may be in flight at once. */
  perTarget: number;
  /** Deliveries of each target already in flight in this process; they count against `perTarget`. */
  inFlight: ReadonlyMap<string, number>;
  /** The internal consumers this process can run. */
  consumers: readonly string[];
  leaseSeconds: number;
}

/** An INSERT of outbox events as SQL text and its parameters, numbered from the caller's first. */
export interface EventsInsert {
  sql: string;
  parameters: unknown[];
}

/**
 * The INSERT of `events`, in their order (their `seq` follows it), with parameters
 * `$first` to `$first + 4`: a statement of its own or the body of a CTE in the writer's
 * statement.
 */
export function insertEventsSql(events: readonly NewOutboxEvent[], first: number): EventsInsert {
  const [ids, types, aggregateTypes, aggregateIds, payloads] = [0, 1, 2, 3, 4].map((offset) => `$${first + offset}`);
  return {
    sql: `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload)
          SELECT * FROM unnest(${ids}::uuid[], ${types}::varchar[], ${aggregateTypes}::varchar[],
                               ${aggregateIds}::varchar[], ${payloads}::jsonb[])`,
    parameters: [
      events.map(() => randomUUID()),
      events.map((event) => event.type),
      events.map((event) => event.aggregateType),
      events.map((event) => String(event.aggregateId)),
      events.map((event) => JSON.stringify(event.payload)),
    ],
  };
}

/** Serializes dispatchers, so events of one aggregate are fanned out in `seq` order. */
const DISPATCH_LOCK = [7302, 1] as const;
/** How many due deliveries one claim looks at, so a large backlog keeps claims cheap. */
const CLAIM_WINDOW = 1000;

/**
 * After `settled` (a CTE of the deliveries that just settled: id, target, aggregate_key),
 * readies the next pending delivery of the same target and aggregate. The statement's
 * snapshot still shows the settled one as pending: it is left out by id.
 */
const READY_NEXT_CTE = `readied AS (
  UPDATE event_deliveries n SET ready = true
    FROM settled
   WHERE n.id = (
     SELECT m.id FROM event_deliveries m
      WHERE m.status = 'PENDING' AND m.target = settled.target AND m.aggregate_key = settled.aggregate_key
        AND m.id <> settled.id
      ORDER BY m.event_seq LIMIT 1)
  RETURNING 1)`;
const READY_NEXT = `, ${READY_NEXT_CTE} SELECT count(*) FROM readied`;

@Injectable()
export class OutboxRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
  ) {}

  /**
   * Fans the oldest undispatched events out into one delivery per matching active
   * subscription and internal consumer, and marks them dispatched; returns how many events
   * it took (0 also when another dispatcher holds the turn).
   */
  dispatch(batchSize: number, consumers: readonly ConsumerInterest[]): Promise<number> {
    const pairs = consumers.flatMap((consumer) => consumer.types.map((type) => [consumer.name, type]));
    return this.dataSource.transaction(async (tx) => {
      const [turn]: { taken: boolean }[] = await tx.query('SELECT pg_try_advisory_xact_lock($1, $2) AS taken', [
        ...DISPATCH_LOCK,
      ]);
      if (!turn.taken) return 0;
      const [result]: { events: string }[] = await tx.query(
        `WITH batch AS (
           SELECT seq, type, aggregate_type || ':' || aggregate_id AS aggregate_key
             FROM outbox_events WHERE dispatched_at IS NULL
            ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
         ),
         targets AS (
           SELECT b.seq, 'webhook:' || s.id AS target, s.id AS subscription_id, b.aggregate_key
             FROM batch b JOIN webhook_subscriptions s ON s.active AND b.type = ANY (s.events)
           UNION ALL
           SELECT b.seq, c.name, NULL, b.aggregate_key
             FROM batch b JOIN unnest($2::varchar[], $3::varchar[]) AS c(name, type) ON c.type = b.type
         ),
         fanned AS (
           -- Ready: the first of its target and aggregate in the batch, with none of theirs still pending.
           INSERT INTO event_deliveries (id, event_seq, target, subscription_id, aggregate_key, ready, next_attempt_at)
           SELECT gen_random_uuid(), t.seq, t.target, t.subscription_id, t.aggregate_key,
                  row_number() OVER (PARTITION BY t.target, t.aggregate_key ORDER BY t.seq) = 1
                    AND NOT EXISTS (
                      SELECT 1 FROM event_deliveries p
                       WHERE p.status = 'PENDING' AND p.target = t.target AND p.aggregate_key = t.aggregate_key),
                  now()
             FROM targets t
           ON CONFLICT DO NOTHING
           RETURNING 1
         ),
         marked AS (
           UPDATE outbox_events e SET dispatched_at = clock_timestamp()
             FROM batch WHERE e.seq = batch.seq
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM marked) AS events, (SELECT count(*) FROM fanned) AS deliveries`,
        [batchSize, pairs.map(([name]) => name), pairs.map(([, type]) => type)],
      );
      return Number(result.events);
    });
  }

  /**
   * Leases due deliveries: ready ones (each the head of its target's queue for its
   * aggregate), of an active subscription or of a consumer this process runs, not locked by
   * another relay, and within each target's room (`perTarget` less what is in flight). The
   * lease is `next_attempt_at` moved past the send's time limit; the attempt is counted
   * now, so a crash mid-send still counts it.
   */
  async claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const busy = [...request.inFlight];
    const rows: Record<string, unknown>[] = await this.sql.onWritePool(
      `WITH room AS (
         SELECT target, $2::int - busy AS room FROM unnest($4::varchar[], $5::int[]) AS b(target, busy)
       ),
       due AS (
         SELECT d.id, d.target, d.event_seq, COALESCE(r.room, $2::int) AS room
           FROM event_deliveries d
           LEFT JOIN webhook_subscriptions s ON s.id = d.subscription_id
           LEFT JOIN room r ON r.target = d.target
          WHERE d.status = 'PENDING' AND d.ready AND d.next_attempt_at <= now() AND COALESCE(r.room, $2::int) > 0
            AND (s.active OR (d.subscription_id IS NULL AND d.target = ANY ($3::varchar[])))
          ORDER BY d.next_attempt_at
          LIMIT ${CLAIM_WINDOW}
       ),
       candidates AS (
         SELECT id FROM (
           SELECT id, event_seq, room, row_number() OVER (PARTITION BY target ORDER BY event_seq) AS place FROM due
         ) ranked
          WHERE place <= room ORDER BY event_seq LIMIT $1
       ),
       locked AS (
         SELECT d.id FROM event_deliveries d
          WHERE d.id IN (SELECT id FROM candidates) AND d.status = 'PENDING' AND d.next_attempt_at <= now()
            FOR UPDATE SKIP LOCKED
       ),
       leased AS (
         UPDATE event_deliveries d
            SET attempts = d.attempts + 1, last_attempt_at = now(),
                next_attempt_at = now() + make_interval(secs => $6)
           FROM locked WHERE d.id = locked.id
         RETURNING d.id, d.target, d.subscription_id, d.attempts, d.created_at, d.event_seq
       )
       SELECT l.id, l.target, l.subscription_id, l.attempts, l.created_at,
              e.id AS event_id, e.type, e.aggregate_type, e.aggregate_id, e.payload, e.occurred_at,
              s.url, s.secret
         FROM leased l
         JOIN outbox_events e ON e.seq = l.event_seq
         LEFT JOIN webhook_subscriptions s ON s.id = l.subscription_id
        ORDER BY l.event_seq`,
      [
        request.limit,
        request.perTarget,
        request.consumers,
        busy.map(([target]) => target),
        busy.map(([, count]) => count),
        request.leaseSeconds,
      ],
    );
    return rows.map((row) => ({
      id: row.id as string,
      target: row.target as string,
      subscriptionId: row.subscription_id as string | null,
      attempts: row.attempts as number,
      createdAt: row.created_at as Date,
      eventId: row.event_id as string,
      eventType: row.type as string,
      aggregateType: row.aggregate_type as string,
      aggregateId: row.aggregate_id as string,
      payload: row.payload,
      occurredAt: row.occurred_at as Date,
      url: row.url as string | null,
      secret: row.secret as string | null,
    }));
  }

  /** Records a delivered attempt, unless the lease ran out and the delivery was taken again meanwhile. */
  async recordDelivered(delivery: ClaimedDelivery, statusCode: number | null): Promise<void> {
    await this.sql.onWritePool(
      `WITH settled AS (
         UPDATE event_deliveries
            SET status = 'DELIVERED', delivered_at = now(), next_attempt_at = NULL,
                last_status_code = $3, last_error = NULL
          WHERE id = $1 AND attempts = $2 AND status = 'PENDING'
         RETURNING id, target, aggregate_key)
       ${READY_NEXT}`,
      [delivery.id, delivery.attempts, statusCode],
    );
  }

  /**
   * Records a failed attempt: PENDING again after `retryInSeconds`, or FAILED when null (and
   * the next delivery of its target and aggregate may go). Returns false when the lease was
   * no longer this attempt's.
   */
  async recordFailed(
    delivery: ClaimedDelivery,
    failure: { statusCode: number | null; error: string },
    retryInSeconds: number | null,
  ): Promise<boolean> {
    const [row]: { settled: number }[] = await this.sql.onWritePool(
      `WITH failed AS (
         UPDATE event_deliveries
            SET status = CASE WHEN $5::float8 IS NULL THEN 'FAILED' ELSE 'PENDING' END,
                next_attempt_at = CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $5::float8) END,
                last_status_code = $3, last_error = left($4, 500)
          WHERE id = $1 AND attempts = $2 AND status = 'PENDING'
         RETURNING id, target, aggregate_key, status),
       settled AS (SELECT id, target, aggregate_key FROM failed WHERE status = 'FAILED'),
       ${READY_NEXT_CTE}
       SELECT (SELECT count(*) FROM failed)::int AS settled`,
      [delivery.id, delivery.attempts, failure.statusCode, failure.error, retryInSeconds],
    );
    return row.settled === 1;
  }

  /**
   * Readies the head of every target's queue for every aggregate that is not ready: a
   * delivery whose predecessor settled while the dispatcher was fanning it out, so that
   * neither saw the other. Rare; run every few seconds as a repair, from one ordered pass
   * over the pending-order index.
   */
  async readyStrandedHeads(): Promise<number> {
    const [row]: { count: string }[] = await this.sql.onWritePool(
      `WITH heads AS (
         SELECT DISTINCT ON (target, aggregate_key) id, ready
           FROM event_deliveries WHERE status = 'PENDING'
          ORDER BY target, aggregate_key, event_seq
       ),
       readied AS (
         UPDATE event_deliveries d SET ready = true FROM heads
          WHERE d.id = heads.id AND NOT heads.ready AND d.status = 'PENDING'
         RETURNING 1)
       SELECT count(*) FROM readied`,
    );
    return Number(row.count);
  }

  /**
   * Disables the subscription when nothing reached it since `failingSince` (the creation of
   * a delivery that has just used up its retries): it has been failing for about a day.
   */
  async disableIfFailingSince(subscriptionId: string, failingSince: Date, reason: string): Promise<boolean> {
    const rows: unknown[] = await this.sql.onWritePool(
      `WITH disabled AS (
         UPDATE webhook_subscriptions s
            SET active = false, disabled_reason = $3, disabled_at = now(), updated_at = now()
          WHERE s.id = $1 AND s.active
            AND NOT EXISTS (
              SELECT 1 FROM event_deliveries d
               WHERE d.subscription_id = s.id AND d.status = 'DELIVERED' AND d.delivered_at >= $2)
         RETURNING s.id)
       SELECT id FROM disabled`,
      [subscriptionId, failingSince, reason],
    );
    return rows.length === 1;
  }

  /** When the next delivery falls due (PENDING, leases included), if any. */
  async nextDueAt(): Promise<Date | null> {
    const [row]: { due: Date | null }[] = await this.sql.onWritePool(
      `SELECT min(next_attempt_at) AS due FROM event_deliveries WHERE status = 'PENDING'`,
    );
    return row.due;
  }

  /**
   * Deletes what is settled and older than `cutoff`: delivered and failed deliveries, and
   * dispatched events none of whose deliveries is still pending. One batch per call;
   * returns how many rows went.
   */
  async purgeSettled(cutoff: Date, batchSize: number): Promise<{ events: number; deliveries: number }> {
    const [deliveries]: { count: string }[] = await this.sql.onWritePool(
      `WITH gone AS (
         DELETE FROM event_deliveries WHERE id IN (
           SELECT id FROM event_deliveries WHERE created_at < $1 AND status <> 'PENDING' LIMIT $2)
         RETURNING 1)
       SELECT count(*) FROM gone`,
      [cutoff, batchSize],
    );
    const [events]: { count: string }[] = await this.sql.onWritePool(
      `WITH gone AS (
         DELETE FROM outbox_events WHERE seq IN (
           SELECT e.seq FROM outbox_events e
            WHERE e.occurred_at < $1 AND e.dispatched_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_seq = e.seq AND d.status = 'PENDING')
            LIMIT $2)
         RETURNING 1)
       SELECT count(*) FROM gone`,
      [cutoff, batchSize],
    );
    return { events: Number(events.count), deliveries: Number(deliveries.count) };
  }

  /** Events and deliveries by status, for the relay's figures. */
  async backlog(): Promise<{ undispatched: number; pending: number; failed: number }> {
    const [row]: { undispatched: string; pending: string; failed: string }[] = await this.sql.onWritePool(
      `SELECT (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL) AS undispatched,
              (SELECT count(*) FROM event_deliveries WHERE status = 'PENDING') AS pending,
              (SELECT count(*) FROM event_deliveries WHERE status = 'FAILED') AS failed`,
    );
    return { undispatched: Number(row.undispatched), pending: Number(row.pending), failed: Number(row.failed) };
  }
}
