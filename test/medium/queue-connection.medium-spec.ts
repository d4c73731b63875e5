import { BullModule, getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { validateEnv } from '../../src/shared/config';
import { MediumContext, startMediumContext } from '../support/medium';

describe('Bull connection', () => {
  const env = validateEnv(process.env);
  let t: MediumContext;
  let redis: Redis;

  beforeAll(async () => {
    t = await startMediumContext({}, [BullModule.registerQueue({ name: 'probe' })]);
    redis = new Redis(env.REDIS_URL);
  });

  afterAll(async () => {
    await t.close();
    redis.disconnect();
  });

  it('gives a module queue the configured Redis server and key prefix', async () => {
    const queue = t.get<Queue>(getQueueToken('probe'));

    const job = await queue.add({ hello: 'world' }, { jobId: 'probe-1' });

    expect(job.id).toBe('probe-1');
    expect(await redis.exists(`${env.QUEUE_PREFIX}:probe:probe-1`)).toBe(1);
    expect(await redis.hget(`${env.QUEUE_PREFIX}:probe:probe-1`, 'data')).toBe('{"hello":"world"}');
  });
});
