import { FieldError, ValidationFailedError } from '../errors';

/** Deeper than any valid body (three levels at most); deep enough for none to be refused. */
export const MAX_JSON_DEPTH = 32;
/**
 * Array elements and object members a body may hold in all. The largest valid body, a
 * quote of 100 lines, holds about 300.
 */
export const MAX_JSON_VALUES = 1_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const BYTE_ORDER_MARK = 0xfeff;

/**
 * Reads the shape of JSON text without building it: the nesting depth and the number of
 * values (each comma and each opening bracket counts one), skipping strings. It stops at
 * the first limit broken, so a huge or deep body is refused for the cost of reading it,
 * before JSON.parse allocates it and long before the recursive walkers of validation see it.
 * Whether the text is valid JSON is left to JSON.parse.
 */
export function jsonShapeProblem(text: string): string | null {
  let depth = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i += 1;
      else if (char === QUOTE) inString = false;
      continue;
    }
    if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth += 1;
      values += 1;
      if (depth > MAX_JSON_DEPTH) return `The request body must not nest deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth -= 1;
    } else if (char === COMMA) {
      values += 1;
    }
    if (values > MAX_JSON_VALUES) return `The request body must hold no more than ${MAX_JSON_VALUES} values`;
  }
  return null;
}

function bodyError(message: string): ValidationFailedError {
  return new ValidationFailedError(message, [{ field: '', message }]);
}

/** The API's JSON body parser: the shape limits first, then JSON.parse (never with a reviver, which recurses). */
export function parseJsonBody(text: string): unknown {
  const json = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  if (json.trim() === '') throw bodyError('The request body is empty, but its content-type says JSON');
  const problem = jsonShapeProblem(json);
  if (problem !== null) throw bodyError(problem);
  try {
    return JSON.parse(json);
  } catch (error) {
    throw bodyError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Keys that cannot be kept as they were sent: they name members every JavaScript object
 * inherits (`constructor`, `toString`, `__proto__`, …), which class-transformer and Nest
 * drop silently and which would shadow or replace an object's prototype if assigned.
 */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const fieldPath = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/**
 * The first field whose key or string value cannot be stored, or null. Input reaching it
 * has passed the depth limit above, so the recursion is shallow.
 */
export function findUnstorableField(value: unknown, path: string): FieldError | null {
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? { field: path, message: `${path || 'the value'} must not contain the NUL character` }
      : null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = fieldPath(path, key);
    if (key.includes('\u0000')) return { field: itemPath, message: `${itemPath} must not contain the NUL character` };
    if (RESERVED_KEYS.has(key)) {
      return { field: itemPath, message: `${itemPath}: "${key}" is a reserved name and cannot be used as a key` };
    }
    const found = findUnstorableField(item, itemPath);
    if (found !== null) return found;
  }
  return null;
}
