import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ApiProblems, ValidationFailedError } from '../errors';

export const IF_MATCH_HEADER = 'If-Match';
export const IF_NONE_MATCH_HEADER = 'If-None-Match';

/** One entity tag: `"…"` or the weak `W/"…"` (RFC 9110, section 8.8.3). */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * The condition of an `If-Match` header: `*` (any current version) or a list of entity
 * tags. Compared strongly, as RFC 9110 asks for If-Match: a weak tag never matches.
 */
export class EntityTagCondition {
  private constructor(
    private readonly anyVersion: boolean,
    private readonly tags: readonly string[],
  ) {}

  /** Parses the header (If-Match, or `name`); undefined when absent, 400 VALIDATION_FAILED when malformed. */
  static parse(header: unknown, name = IF_MATCH_HEADER): EntityTagCondition | undefined {
    if (header === undefined) return undefined;
    const value = typeof header === 'string' ? header.trim() : '';
    if (value === '*') return new EntityTagCondition(true, []);
    const tags = value.split(',').map((tag) => tag.trim());
    if (value === '' || !tags.every((tag) => ENTITY_TAG.test(tag))) {
      const message = `${name} must be "*" or entity tags such as "42", as the ETag header gave them`;
      throw new ValidationFailedError(message, [{ field: name, message }]);
    }
    return new EntityTagCondition(false, tags);
  }

  /** True when the current strong tag `current` satisfies the condition. */
  matches(current: string): boolean {
    return this.anyVersion || this.tags.some((tag) => !tag.startsWith('W/') && tag === current);
  }

  /** Weak comparison, as If-None-Match uses: `W/"7"` matches `"7"`. */
  matchesWeakly(current: string): boolean {
    const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
    return this.anyVersion || this.tags.some((tag) => opaque(tag) === opaque(current));
  }

  /** What makes two requests differ, for an Idempotency-Key's fingerprint. */
  toJSON(): string {
    return this.anyVersion ? '*' : this.tags.join(', ');
  }
}

const ifMatchHeader = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  EntityTagCondition.parse(
    context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[IF_MATCH_HEADER.toLowerCase()],
  ),
);

/** The request's parsed If-Match condition, or undefined when it has none. */
export const IfMatch = () => ifMatchHeader();

const ifNoneMatchHeader = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  EntityTagCondition.parse(
    context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      IF_NONE_MATCH_HEADER.toLowerCase()
    ],
    IF_NONE_MATCH_HEADER,
  ),
);

/** The request's parsed If-None-Match condition, or undefined when it has none. */
export const IfNoneMatch = () => ifNoneMatchHeader();

/** Documents the optional If-None-Match header of a read and its 304. */
export const ApiIfNoneMatch = () =>
  applyDecorators(
    ApiHeader({
      name: IF_NONE_MATCH_HEADER,
      required: false,
      schema: { type: 'string' },
      description: 'The ETag of a copy the client holds: 304 Not Modified, without a body, while it is current',
    }),
    ApiResponse({ status: 304, description: 'Not modified: the copy whose ETag was sent is current' }),
  );

/** Documents the optional If-Match header and the 412 a stale one answers. */
export const ApiIfMatch = () =>
  applyDecorators(
    ApiHeader({
      name: IF_MATCH_HEADER,
      required: false,
      schema: { type: 'string' },
      description:
        'Write only if the resource is still at this version: the ETag of an earlier read. A stale one is ' +
        '412 PRECONDITION_FAILED with the current figures, and nothing is written.',
    }),
    ApiProblems(412),
  );
