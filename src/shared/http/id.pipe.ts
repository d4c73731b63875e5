import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { isUuid } from '../database';
import { ValidationFailedError } from '../errors';

/** Largest value of a PostgreSQL `integer` column, the type of every catalog id. */
export const MAX_INT_ID = 2_147_483_647;

/** Parses an integer id from the path; anything else is a 400, never a query that fails. */
@Injectable()
export class IntIdPipe implements PipeTransform<string, number> {
  constructor(private readonly field = 'id') {}

  transform(value: string): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > MAX_INT_ID) {
      const message = `${this.field} must be an integer from 1 to ${MAX_INT_ID}`;
      throw new ValidationFailedError(message, [{ field: this.field, message }]);
    }
    return id;
  }
}

/** Documents an integer path id, e.g. `/products/{id}`. */
export const ApiIntIdParam = (name = 'id') =>
  ApiParam({ name, schema: { type: 'integer', minimum: 1, maximum: MAX_INT_ID } });

/** Parses a UUID from the path (cart, cart item and reservation ids), lower-cased. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    if (!isUuid(value)) {
      const message = `${this.field} must be a UUID`;
      throw new ValidationFailedError(message, [{ field: this.field, message }]);
    }
    return value.toLowerCase();
  }
}

/** Documents a UUID path id, e.g. `/reservations/{id}`. */
export const ApiUuidParam = (name = 'id') => ApiParam({ name, schema: { type: 'string', format: 'uuid' } });
