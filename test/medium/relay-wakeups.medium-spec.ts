import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigService } from '@nestjs/config';
import { Client } from 'pg';
import { OutboxModule, OutboxService } from '../../src/outbox';
import { OUTBOX_TOPIC, RELAY_PASS_SPACING_MS } from '../../src/outbox/relay-wakeups';
import { INVALIDATION_CHANNEL } from '../../src/shared/bus';
import { MediumContext, startIsolatedModuleContext } from '../support/medium';
import { statementsSentBy } from '../support/statements';
import { queuePrefix } from '../support/test-app';

/**
 * Every commit of events is followed by a wake of the relays, but a process lets only one
 * transaction per relay pass notify from its own statement: PostgreSQL commits notifying
 * transactions one at a time, so a busy shop's commits must not each carry one.
 */
describe('waking the outbox relays', () => {
  let t: MediumContext;
  let outbox: OutboxService;
  let listener: Client;
  /** When each wake of the relays was heard, on a connection of the test's own. */
  const wakesHeardAt: number[] = [];

  beforeAll(async () => {
    // A database of its own: the wakes of other test files' commits would be heard on the
    // run's database. API only: no relay of this process consumes the events meanwhile.
    t = await startIsolatedModuleContext('relay_wakeups', OutboxModule, {
      APP_ROLE: 'api',
      QUEUE_PREFIX: queuePrefix('relay-wakeups'),
    });
    outbox = t.get(OutboxService);
    listener = new Client({ connectionString: t.get(ConfigService).get('DATABASE_URL') });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.payload === JSON.stringify(OUTBOX_TOPIC)) wakesHeardAt.push(performance.now());
    });
    await listener.query(`LISTEN ${INVALIDATION_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await t.close();
  });

  /** One transaction that records one event. */
  async function commitOneEvent(): Promise<void> {
    await t.dataSource.transaction((tx) =>
      outbox.publish(tx, [
        { type: 'stock.changed', aggregateType: 'stock', aggregateId: 1, payload: { variantId: 1 } },
      ]),
    );
  }

  const eventStatements = (texts: string[]) => texts.filter((text) => text.includes('outbox_events'));
  const notifying = (texts: string[]) => eventStatements(texts).filter((text) => text.includes('pg_notify'));

  /** Waits until no wake has been heard for a while, and gives the number heard since `before`. */
  async function wakesHeardSince(before: number): Promise<number> {
    let heard = -1;
    for (let checks = 0; checks < 100 && heard !== wakesHeardAt.length - before; checks++) {
      heard = wakesHeardAt.length - before;
      await sleep(RELAY_PASS_SPACING_MS * 4);
    }
    return heard;
  }

  it('wakes them from the committing statement itself when no wake went out a moment ago', async () => {
    await wakesHeardSince(wakesHeardAt.length);
    const before = wakesHeardAt.length;

    const { sent } = await statementsSentBy(commitOneEvent);

    expect(notifying(sent.texts)).toHaveLength(1);
    expect(await wakesHeardSince(before)).toBe(1);
  });

  it('lets few of the transactions committing together notify, and wakes them on its own after the others', async () => {
    await wakesHeardSince(wakesHeardAt.length);
    const before = wakesHeardAt.length;
    const started = performance.now();

    const { sent } = await statementsSentBy(() => Promise.all(Array.from({ length: 10 }, () => commitOneEvent())));

    const took = performance.now() - started;
    expect(eventStatements(sent.texts)).toHaveLength(10);
    const notified = notifying(sent.texts).length;
    expect(notified).toBeGreaterThanOrEqual(1);
    expect(notified).toBeLessThan(10);
    // The transactions that did not notify are followed by a wake sent on its own: at least
    // one, and no more than one per pass spacing while they committed.
    const heard = await wakesHeardSince(before);
    expect(heard).toBeGreaterThan(notified);
    expect(heard).toBeLessThanOrEqual(notified + Math.ceil(took / RELAY_PASS_SPACING_MS) + 1);
  });
});
