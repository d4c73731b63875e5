import type { OpenAPIObject } from '@nestjs/swagger';

/** Keys whose values are sample data, not schemas: left as they are. */
const SAMPLE_KEYS = new Set(['example', 'examples', 'default', 'enum']);

/**
 * Every JSON number this API sends or takes is a whole number (ids, quantities, counts,
 * pages, statuses): money and percentages travel as decimal strings. Nest's document
 * builder says `number` for every TypeScript `number`, which typed clients in most
 * languages turn into a floating-point type; this says `integer` instead, everywhere.
 * A fractional number added one day must be declared here as the exception it is.
 */
export function numbersAreWholeNumbers(document: OpenAPIObject): OpenAPIObject {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    if (schema.type === 'number') schema.type = 'integer';
    for (const [key, value] of Object.entries(schema)) if (!SAMPLE_KEYS.has(key)) visit(value);
  };
  visit(document);
  return document;
}
