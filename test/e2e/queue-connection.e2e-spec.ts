import { BullModule, getQueueToken } from '@nestjs/bull';
import { Test, TestingModule } from '@nestjs/testing';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { AppModule } from '../../src/app.module';
import { validateEnv } from '../../src/shared/config';

describe('Bull connection', () => {
  const env = validateEnv(process.env);
  let moduleRef: TestingModule;
  let redis: Redis;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [AppModule.register(env), BullModule.registerQueue({ name: 'probe' })],
    }).compile();
    await moduleRef.init();
    redis = new Redis(env.REDIS_URL);
  });

  afterAll(async () => {
    await moduleRef.close();
    redis.disconnect();
  });

  it('gives a module queue the configured Redis server and key prefix', async () => {
    const queue = moduleRef.get<Queue>(getQueueToken('probe'));

    const job = await queue.add({ hello: 'world' }, { jobId: 'probe-1' });

    expect(job.id).toBe('probe-1');
    expect(await redis.exists(`${env.QUEUE_PREFIX}:probe:probe-1`)).toBe(1);
    expect(await redis.hget(`${env.QUEUE_PREFIX}:probe:probe-1`, 'data')).toBe('{"hello":"world"}');
  });
});
