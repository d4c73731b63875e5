/** Trims surrounding whitespace of a string input; other values pass to validation as they are. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Trims a query string; an empty one counts as not given (a cleared search box). */
export const trimToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() || undefined : value;
