import { ValidationFailedError } from '../errors';
import { EntityTagCondition } from './if-match';

describe('EntityTagCondition', () => {
  it('is undefined without the header', () => {
    expect(EntityTagCondition.parse(undefined)).toBeUndefined();
  });

  it('matches one of a list of strong tags', () => {
    const condition = EntityTagCondition.parse('"3", "7"')!;
    expect(condition.matches('"7"')).toBe(true);
    expect(condition.matches('"8"')).toBe(false);
  });

  it('never matches a weak tag: If-Match compares strongly', () => {
    expect(EntityTagCondition.parse('W/"7"')!.matches('"7"')).toBe(false);
  });

  it('matches weak and strong tags alike when compared weakly, as If-None-Match is', () => {
    expect(EntityTagCondition.parse('W/"7"')!.matchesWeakly('"7"')).toBe(true);
    expect(EntityTagCondition.parse('"7"')!.matchesWeakly('"7"')).toBe(true);
    expect(EntityTagCondition.parse('"6"')!.matchesWeakly('"7"')).toBe(false);
  });

  it('matches any version with *', () => {
    expect(EntityTagCondition.parse('*')!.matches('"123"')).toBe(true);
  });

  it.each(['', '7', '"7', '"7",', 'abc, "1"'])('refuses the malformed header %p with a field error', (header) => {
    expect(() => EntityTagCondition.parse(header)).toThrow(ValidationFailedError);
  });
});
