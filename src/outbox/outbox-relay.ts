import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InvalidationBus } from '../shared/bus';
import { Env } from '../shared/config';
import { databaseUnavailableKind } from '../shared/database';
import { OutboxConsumers } from './outbox-consumers';
import { ClaimedDelivery, OutboxRepository } from './outbox.repository';
import { OUTBOX_TOPIC, RELAY_PASS_SPACING_MS } from './relay-wakeups';
import { parseRetrySchedule, perTargetConcurrency, retryDelaySeconds } from './delivery-schedule';
import { SendOutcome, WebhookSender } from './webhook-sender';
import { webhookBody } from './webhook-body';

const DISPATCH_BATCH = 500;
/** How often the relay looks for due work without being woken: retries fall due by the clock alone. */
const POLL_MS = 1_000;
/** Beyond the send's own time limit, before a lease runs out and another relay may send again. */
const LEASE_MARGIN_SECONDS = 10;
/** How often a relay readies deliveries that a race between dispatching and settling left waiting. */
const REPAIR_EVERY_MS = 5_000;

/**
 * Moves events from the outbox to their targets, in worker processes. Woken by the bus when
 * events commit and every second otherwise, it first fans new events out into deliveries,
 * then keeps up to OUTBOX_RELAY_CONCURRENCY deliveries in flight. Each delivery is leased in
 * the database (`FOR UPDATE SKIP LOCKED`), so relays of several workers never send one at
 * the same time, and is sent on its own: a slow receiver holds only its own slots (a
 * quarter at most), never the others' deliveries.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly concurrency: number;
  private readonly perTarget: number;
  private readonly leaseSeconds: number;
  private readonly schedule: number[];
  /** Deliveries being sent, by target. */
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  private pumping = false;
  private dispatchRequested = false;
  private fillRequested = false;
  /** The last claim found work: more may be waiting for a free slot. */
  private moreMayBeDue = false;
  private lastRepairAt = 0;
  private lastPassAt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly sends = new Set<Promise<void>>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly consumers: OutboxConsumers,
    private readonly sender: WebhookSender,
    private readonly bus: InvalidationBus,
    config: ConfigService<Env, true>,
  ) {
    this.concurrency = config.get('OUTBOX_RELAY_CONCURRENCY', { infer: true });
    this.perTarget = perTargetConcurrency(this.concurrency);
    this.leaseSeconds = Math.ceil(config.get('WEBHOOK_TIMEOUT_MS', { infer: true }) / 1000) + LEASE_MARGIN_SECONDS;
    this.schedule = parseRetrySchedule(config.get('WEBHOOK_RETRY_SCHEDULE', { infer: true }));
  }

  onApplicationBootstrap(): void {
    this.bus.subscribe(OUTBOX_TOPIC.topic, () => this.wake());
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // Sends under way finish (each is bounded by WEBHOOK_TIMEOUT_MS); their leases would otherwise resend them.
    await Promise.allSettled([...this.sends]);
  }

  /** Runs a pass soon, dispatching new events first; calls while one runs make it go round once more. */
  wake(): void {
    this.request(true);
  }

  /** One pass: dispatch what is new, then fill the free slots. */
  async runOnce(): Promise<void> {
    await this.dispatchAll();
    await this.fillSlots();
  }

  private request(dispatch: boolean): void {
    if (this.stopped) return;
    this.dispatchRequested ||= dispatch;
    this.fillRequested = true;
    if (this.pumping) return;
    this.pumping = true;
    void this.pump().finally(() => (this.pumping = false));
  }

  private async pump(): Promise<void> {
    while (this.fillRequested && !this.stopped) {
      const early = this.lastPassAt + RELAY_PASS_SPACING_MS - Date.now();
      if (early > 0) await sleep(early);
      if (this.stopped) return;
      this.lastPassAt = Date.now();
      const dispatch = this.dispatchRequested;
      this.dispatchRequested = this.fillRequested = false;
      try {
        if (dispatch) await this.dispatchAll();
        await this.fillSlots();
      } catch (error) {
        const away = databaseUnavailableKind(error);
        if (away) this.logger.warn({ reason: away }, 'The outbox relay cannot reach PostgreSQL; will retry');
        else this.logger.error({ err: error }, 'An outbox relay pass failed; will retry');
        return;
      }
    }
  }

  private async dispatchAll(): Promise<void> {
    const interests = this.consumers.interests();
    while (!this.stopped && (await this.outbox.dispatch(DISPATCH_BATCH, interests)) === DISPATCH_BATCH);
    if (Date.now() - this.lastRepairAt < REPAIR_EVERY_MS) return;
    this.lastRepairAt = Date.now();
    const readied = await this.outbox.readyStrandedHeads();
    if (readied > 0) this.logger.log({ readied }, 'Deliveries left waiting by a race were readied');
  }

  private async fillSlots(): Promise<void> {
    const free = this.concurrency - this.inFlightTotal;
    if (free <= 0 || this.stopped) return;
    const claimed = await this.outbox.claim({
      limit: free,
      perTarget: this.perTarget,
      inFlight: this.inFlight,
      consumers: this.consumers.names(),
      leaseSeconds: this.leaseSeconds,
    });
    // Nothing due now: new events and retries wake the relay themselves.
    this.moreMayBeDue = claimed.length > 0;
    for (const delivery of claimed) this.start(delivery);
  }

  private start(delivery: ClaimedDelivery): void {
    this.inFlight.set(delivery.target, (this.inFlight.get(delivery.target) ?? 0) + 1);
    this.inFlightTotal++;
    const send = this.deliver(delivery)
      .catch((error: unknown) =>
        // Its lease runs out and it is sent again: at least once.
        this.logger.warn({ err: error, deliveryId: delivery.id }, 'Could not record a delivery; it will be retried'),
      )
      .finally(() => {
        this.sends.delete(send);
        const left = (this.inFlight.get(delivery.target) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(delivery.target);
        else this.inFlight.set(delivery.target, left);
        this.inFlightTotal--;
        // Slots are free: claim again once enough are, in all or for this target, to be worth a claim.
        const worthIt = this.inFlightTotal <= this.concurrency / 2 || left <= this.perTarget / 2;
        if (this.moreMayBeDue && worthIt) this.request(false);
      });
    this.sends.add(send);
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.attempt(delivery);
    if (outcome.ok) return this.outbox.recordDelivered(delivery, outcome.statusCode);
    const retryIn = retryDelaySeconds(this.schedule, delivery.attempts);
    const recorded = await this.outbox.recordFailed(
      delivery,
      { statusCode: outcome.statusCode, error: outcome.error ?? 'Failed' },
      retryIn,
    );
    // A retry due before the next poll gets a wake-up of its own.
    if (recorded && retryIn !== null && retryIn * 1000 < POLL_MS) setTimeout(() => this.wake(), retryIn * 1000).unref();
    if (!recorded || retryIn !== null) return;
    this.logger.warn(
      { deliveryId: delivery.id, target: delivery.target, attempts: delivery.attempts, error: outcome.error },
      'A delivery used up its retries and failed',
    );
    if (!delivery.subscriptionId) return;
    const reason =
      `Disabled after delivery ${delivery.id} (${delivery.eventType}) failed ${delivery.attempts} attempts ` +
      `since ${delivery.createdAt.toISOString()} with nothing delivered meanwhile; last: ${outcome.error}`;
    if (await this.outbox.disableIfFailingSince(delivery.subscriptionId, delivery.createdAt, reason)) {
      this.logger.warn(
        { subscriptionId: delivery.subscriptionId },
        'A webhook subscription kept failing and was disabled',
      );
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<SendOutcome> {
    if (delivery.subscriptionId) {
      if (!delivery.url || !delivery.secret) return { ok: false, statusCode: null, error: 'The subscription is gone' };
      return this.sender.send(delivery.url, delivery.secret, {
        id: delivery.eventId,
        body: webhookBody(delivery.eventType, delivery.occurredAt, delivery.payload),
      });
    }
    const consumer = this.consumers.get(delivery.target);
    if (!consumer) return { ok: false, statusCode: null, error: `No consumer ${delivery.target} in this process` };
    try {
      await consumer.handle({
        id: delivery.eventId,
        type: delivery.eventType,
        aggregateType: delivery.aggregateType,
        aggregateId: delivery.aggregateId,
        payload: delivery.payload,
        occurredAt: delivery.occurredAt,
      });
      return { ok: true, statusCode: null, error: null };
    } catch (error) {
      const message = (error as { message?: unknown } | null)?.message;
      return { ok: false, statusCode: null, error: typeof message === 'string' ? message : String(error) };
    }
  }
}
