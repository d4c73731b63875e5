import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorRegistry } from './error-registry';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { ProblemMapper, problemMapper } from './problem.mapper';

/** The one place where errors become HTTP answers: application/problem+json, with the registry's codes. */
@Catch()
@Injectable()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  private readonly mapErrorToProblem: ProblemMapper;

  constructor(registry: ErrorRegistry) {
    this.mapErrorToProblem = problemMapper(registry);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Answers with the problem for `error`; also what hooks and handlers outside Nest's filters call. */
  send(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const context = { instance: request.url.split('?')[0], requestId: String(request.id) };
    const { problem, unexpected, retryAfterSeconds } = this.mapErrorToProblem(error, context);
    if (unexpected) {
      this.logger.error({ err: error, requestId: context.requestId }, 'Unhandled error while serving a request');
    } else if (retryAfterSeconds !== undefined) {
      // The service's situation, not a bug: worth a look when it persists, not an alert per request.
      this.logger.warn(
        { requestId: context.requestId, reason: problem.reason, cause: causeOf(error) },
        'A dependency could not serve a request; answered 503',
      );
    }
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
    void reply
      .status(problem.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      // Also set by the app's onSend hook, which Fastify skips for errors raised before routing.
      .header('x-request-id', context.requestId)
      .send(JSON.stringify(problem));
  }
}

/** The underlying error's code and message, without a stack: these are expected in an outage. */
function causeOf(error: unknown): { code?: unknown; message: string } {
  const driverError = (error as { driverError?: { code?: unknown; message?: string } } | null)?.driverError;
  const source = (driverError ?? error) as { code?: unknown; message?: string } | null;
  return { code: source?.code, message: source?.message ?? String(error) };
}
