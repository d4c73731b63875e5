import { Transform } from 'class-transformer';

/**
 * Reads a query flag: "true" and "false" become booleans; anything else stays a string
 * and fails the IsBoolean check with a 400 instead of silently meaning false.
 */
export const BooleanQuery = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));
