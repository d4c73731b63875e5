import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but not sent as null: for PATCH fields that cannot be
 * cleared (a name, a price). Use class-validator's IsOptional where null means "clear".
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * Reads a query value as an integer only when it is written as one ("12", "-3"); "1e3",
 * "0x10" or "1.0" stay strings and fail the IsInt check instead of becoming numbers.
 */
export const IntegerQuery = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );

/** A class-transformer step that trims a string input, and turns one left empty into `empty`. */
function trimmed<T>(empty: T) {
  return ({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    return text === '' ? empty : text;
  };
}

/** Trims surrounding whitespace of a string input (`@Transform(trim)`); other values pass to validation as they are. */
export const trim = trimmed('');

/** Trims a query string; an empty one counts as not given (a cleared search box). */
export const trimToUndefined = trimmed(undefined);

/** Trims a field that may be cleared; an empty one is null, which clears it. */
export const trimToNull = trimmed(null);
