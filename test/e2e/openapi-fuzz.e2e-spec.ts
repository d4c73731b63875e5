import fc from 'fast-check';
import { startIsolatedTestApp } from '../support/test-app';
import { PROBLEM_JSON } from '../support/problem';
import { TestApp } from '../support/test-app';

/** The part of JSON Schema the app's OpenAPI document uses. */
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** JSON text. */
  body?: string;
}

const REQUESTS = 2_500;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Values that broke or bend parsers elsewhere: near the integer limits, odd encodings, injection-looking text. */
const AWKWARD_STRINGS = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e3',
  '0x10',
  '2147483648',
  '9007199254740993',
  'NaN',
  'null',
  '../../etc/passwd',
  "' OR 1=1 --",
  '%00',
  '%FF',
  '\u0000',
  '\ud800',
  'ß'.repeat(300),
  '{"a":1}',
);
/**
 * Bodies nested far deeper than any valid one, which overflowed recursive walkers of the
 * input once. Kept as text: the test's own JSON.stringify and fast-check's printing recurse too.
 */
const DEEP_ARRAYS = '['.repeat(5_000) + ']'.repeat(5_000);
const DEEP_BODIES = fc.constantFrom(
  DEEP_ARRAYS,
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  `{"name":"x","items":[${DEEP_ARRAYS}],"attributes":{"a":${DEEP_ARRAYS}}}`,
);
const AWKWARD_NUMBERS = fc.constantFrom(0, -1, 0.5, 1e21, -1e21, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER, 1.005, -0);

/** Well-formed-looking values of a schema, mixed with values of other types and awkward ones. */
function valueOf(schema: Schema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return valueOf(doc.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}, doc, depth);
  const alternatives = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((part) => valueOf(part, doc, depth)));
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 3 }), AWKWARD_STRINGS, AWKWARD_NUMBERS);
  return fc.oneof({ weight: 4, arbitrary: shapedValueOf(schema, doc, depth) }, { weight: 1, arbitrary: wrong });
}

function shapedValueOf(schema: Schema, doc: OpenApiDocument, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
      return fc.integer({ min: (schema.minimum ?? -1000) - 2, max: Math.min(schema.maximum ?? 1000, 10_000) + 2 });
    case 'number':
      return fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double({ noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      return fc.oneof(
        fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) }),
        fc.stringMatching(/^\d{1,9}(\.\d{1,3})?$/),
      );
    case 'array':
      return fc.array(valueOf(schema.items ?? {}, doc, depth + 1), { maxLength: 4 });
    default:
      return depth > 3 ? fc.constant({}) : objectOf(schema, doc, depth);
  }
}

function objectOf(schema: Schema, doc: OpenApiDocument, depth: number): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const known = fc.record(Object.fromEntries(properties.map(([name, part]) => [name, valueOf(part, doc, depth + 1)])), {
    requiredKeys: [],
  });
  const extraValue = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  const extras = fc.dictionary(
    fc.oneof(fc.string({ maxLength: 12 }), AWKWARD_STRINGS),
    valueOf(extraValue, doc, depth + 1),
    {
      maxKeys: schema.additionalProperties ? 4 : 1,
    },
  );
  return fc
    .tuple(known, fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extras }))
    .map(([own, more]) => ({ ...more, ...own }));
}

/** A path segment; a lone surrogate, which cannot be encoded, becomes U+FFFD as in UTF-8. */
function pathSegment(value: string): string {
  return encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Requests for one operation: its path and query parameters, headers and body from the document. */
function requestsFor(
  path: string,
  method: string,
  operation: Operation,
  doc: OpenApiDocument,
  auth: fc.Arbitrary<string>,
) {
  const parameters = operation.parameters ?? [];
  const valuesOf = (where: Parameter['in']) =>
    fc.record(
      Object.fromEntries(
        parameters.filter((p) => p.in === where).map((p) => [p.name, valueOf(p.schema ?? {}, doc).map(asText)]),
      ),
      { requiredKeys: where === 'path' ? undefined : [] },
    );
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const body = bodySchema
    ? fc.oneof(
        { weight: 16, arbitrary: valueOf(bodySchema, doc).map((value) => JSON.stringify(value)) },
        { weight: 2, arbitrary: DEEP_BODIES },
        { weight: 2, arbitrary: fc.constant(undefined) },
      )
    : fc.constant(undefined);
  return fc
    .record({ path: valuesOf('path'), query: valuesOf('query'), header: valuesOf('header'), body, auth })
    .map(({ path: values, query, header, body: payload, auth: authorization }): FuzzRequest => {
      const url = path.replace(/\{(\w+)\}/g, (_match, name: string) => pathSegment(String(values[name])));
      const search = new URLSearchParams(query as Record<string, string>).toString();
      const headers: Record<string, string> = Object.fromEntries(
        Object.entries(header as Record<string, string>).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)),
      );
      if (authorization) headers.authorization = authorization;
      return { method, url: search ? `${url}?${search}` : url, headers, body: payload };
    });
}

describe('OpenAPI-driven fuzzing', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    // A database of its own: the fuzzer's admin writes (global pricing rules, deletes) must not reach other tests.
    t = await startIsolatedTestApp('fuzz');
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
  });

  it(`answers ${REQUESTS} generated requests without a 5xx, every error as problem+json`, async () => {
    const auth = fc.oneof(
      { weight: 3, arbitrary: fc.constant(t.admin) },
      { weight: 2, arbitrary: fc.constant(t.customer('fuzz-customer', 'GOLD')) },
      { weight: 1, arbitrary: fc.constantFrom('', 'Bearer not.a.token') },
    );
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) => requestsFor(path, method, operation, doc, auth)),
    );
    const failures: string[] = [];
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(fc.oneof(...operations), async (request) => {
        const call = (t.http as unknown as Record<string, (url: string) => ReturnType<TestApp['http']['get']>>)
          [request.method](request.url)
          .set(request.headers);
        const response = await (request.body === undefined
          ? call
          : call.set('content-type', 'application/json').send(request.body));
        const type = String(response.headers['content-type'] ?? '');
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const fine = response.status < 500 && (response.status < 400 || type.includes(PROBLEM_JSON));
        if (!fine)
          failures.push(`${request.method.toUpperCase()} ${request.url} -> ${response.status} ${response.text}`);
        return fine;
      }),
      { numRuns: REQUESTS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );

    expect(failures).toEqual([]);
    // The generator reaches past validation too, else it would test only the 400 path.
    const answered = (from: number) => [...statuses].filter(([status]) => status >= from && status < from + 100);
    expect(answered(200).reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(REQUESTS / 20);
    expect(answered(400).length).toBeGreaterThan(3);
  });
});
