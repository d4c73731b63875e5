/** Trims surrounding whitespace of a string input; other values pass to validation as they are. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
