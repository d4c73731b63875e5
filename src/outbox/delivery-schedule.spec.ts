import { parseRetrySchedule, retryDelaySeconds } from './delivery-schedule';

describe('the retry schedule', () => {
  const schedule = parseRetrySchedule('5, 300,1800,7200,18000,36000,36000');

  it('waits the nth delay after the nth failed attempt, then gives up', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempts) => retryDelaySeconds(schedule, attempts, middle))).toEqual(schedule);
    expect(retryDelaySeconds(schedule, 8, middle)).toBeNull();
  });

  it('retries for about a day by default: 8 attempts over 27.6 hours', () => {
    expect(schedule.reduce((sum, delay) => sum + delay, 0) / 3600).toBeCloseTo(27.6, 1);
  });

  it('spreads delays of a minute or more by ±10 %, and keeps short ones exact', () => {
    expect(retryDelaySeconds(schedule, 2, () => 0)).toBe(270);
    expect(retryDelaySeconds(schedule, 2, () => 1)).toBe(330);
    expect(retryDelaySeconds(schedule, 1, () => 0)).toBe(5);
    expect(retryDelaySeconds([0.2], 1, () => 1)).toBe(0.2);
  });
});
