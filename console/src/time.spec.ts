import { timeLeft } from './time';

describe('timeLeft', () => {
  it('shows minutes and two-digit seconds', () => {
    expect(timeLeft(299)).toBe('4:59');
    expect(timeLeft(60)).toBe('1:00');
    expect(timeLeft(7)).toBe('0:07');
    expect(timeLeft(3725)).toBe('62:05');
  });

  it('shows nothing once the moment has come', () => {
    expect(timeLeft(0)).toBeUndefined();
    expect(timeLeft(-12)).toBeUndefined();
  });
});
