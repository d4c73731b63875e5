const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its hyphenated text form: a value a uuid column takes without an error. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
