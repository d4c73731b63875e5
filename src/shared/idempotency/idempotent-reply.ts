import type { FastifyReply } from 'fastify';
import { IDEMPOTENT_REPLAYED_HEADER } from '../http';
import { IdempotentResult } from './idempotency.service';

/** The OpenAPI description of the replay header, for the responses of idempotent operations. */
export const REPLAYED_HEADER_DOC = {
  [IDEMPOTENT_REPLAYED_HEADER]: {
    description: '"true" when this repeats the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** The body of a possibly replayed result; sets its stored status and, on a replay, the replay header. */
export function replyWith<T>(reply: FastifyReply, result: IdempotentResult<T>): T {
  void reply.status(result.status);
  if (result.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return result.body;
}
