import { ValueTransformer } from 'typeorm';
import { Money } from './money';

/**
 * Maps a `bigint` column of minor units to Money. node-postgres returns bigint as a
 * string; Money.ofMinor refuses anything beyond Number.MAX_SAFE_INTEGER instead of
 * silently losing precision.
 */
export const moneyColumnTransformer: ValueTransformer = {
  to: (value: Money | null | undefined) => (value == null ? value : value.minor),
  from: (value: string | number | null) => (value == null ? value : Money.ofMinor(Number(value))),
};
