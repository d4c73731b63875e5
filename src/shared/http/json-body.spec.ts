import { ValidationFailedError } from '../errors';
import { findUnstorableField, jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_VALUES, parseJsonBody } from './json-body';

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe(jsonShapeProblem.name, () => {
  it.each([
    ['an object', '{"a":1,"b":[1,2,3],"c":{"d":"e"}}'],
    ['nesting at the limit', nestedArrays(MAX_JSON_DEPTH)],
    ['brackets and commas inside strings', `{"a":"${'[{,'.repeat(5_000)}"}`],
    ['an escaped quote inside a string', '{"a":"say \\"[[[[\\" twice","b":1}'],
    [
      'values up to the limit',
      `[${Array(MAX_JSON_VALUES - 1)
        .fill(0)
        .join(',')}]`,
    ],
  ])('accepts %s', (_label, text) => {
    expect(jsonShapeProblem(text)).toBeNull();
  });

  it.each([
    ['arrays one level too deep', nestedArrays(MAX_JSON_DEPTH + 1), 'deeper than 32'],
    ['objects 100,000 levels deep', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'deeper than 32'],
    ['one value too many', `[${Array(MAX_JSON_VALUES).fill(0).join(',')}]`, 'no more than 1000 values'],
    ['100,000 empty objects', `[${Array(100_000).fill('{}').join(',')}]`, 'no more than 1000 values'],
  ])('refuses %s', (_label, text, message) => {
    expect(jsonShapeProblem(text)).toContain(message);
  });
});

describe(parseJsonBody.name, () => {
  it('parses a body, without the byte order mark some clients send', () => {
    expect(parseJsonBody('\ufeff{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
  });

  it('keeps __proto__ as a plain key instead of replacing the prototype', () => {
    const body = parseJsonBody('{"__proto__":{"admin":true}}') as Record<string, unknown>;

    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toEqual(['__proto__']);
  });

  it.each([
    ['an empty body', '', 'empty'],
    ['whitespace only', '  \n', 'empty'],
    ['malformed JSON', '{"a":', 'not valid JSON'],
    ['a deep body, before parsing it', nestedArrays(5_000), 'deeper than'],
  ])('refuses %s with VALIDATION_FAILED', (_label, text, message) => {
    expect(() => parseJsonBody(text)).toThrow(ValidationFailedError);
    expect(() => parseJsonBody(text)).toThrow(message);
  });
});

describe(findUnstorableField.name, () => {
  it.each([
    ['a NUL in a string', { name: 'a\u0000b' }, 'name'],
    ['a NUL in a nested key', { attributes: { 'x\u0000': 'y' } }, 'attributes.x\u0000'],
    ['a reserved key', { attributes: { constructor: 'x' } }, 'attributes.constructor'],
    ['__proto__ as an own key', JSON.parse('{"attributes":{"__proto__":"x"}}'), 'attributes.__proto__'],
    ['prototype in an array item', { items: [{ prototype: 1 }] }, 'items.0.prototype'],
  ])('finds %s', (_label, value, field) => {
    expect(findUnstorableField(value, '')?.field).toBe(field);
  });

  it('finds nothing in ordinary input, look-alikes of reserved names included', () => {
    expect(findUnstorableField({ Constructor: 'a', to_string: 'b', list: [1, 'two', null] }, '')).toBeNull();
  });
});
