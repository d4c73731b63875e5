import type { FastifyInstance, onSendHookHandler, preValidationHookHandler } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/*
 * Lingering close (RFC 9112 §9.6; nginx's lingering_close). Most clients (fetch, Python's
 * urllib, SDKs) write the whole request body before they read the answer. When the server
 * answers early (413 on a declared length, 408 while the body trickles in) and then closes
 * the socket, the bytes still unread make the kernel send a reset: the client's write fails
 * with EPIPE or ECONNRESET and it never reads the answer. So the server closes in stages:
 * it sends the answer and its FIN, keeps reading and discarding what the client still sends,
 * and closes once the body is over, the client has closed, or a bound below is reached.
 */

/** What a client may still send after its answer, read and thrown away; past it the connection is cut. */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** How long the server keeps reading after the answer (nginx: lingering_timeout 5 s). */
export const LINGER_MAX_MS = 5_000;

/**
 * The socket has written its last answer and its FIN: it is destroyed once the client
 * closes too, or after LINGER_MAX_MS, so a client that keeps trickling is still cut off.
 */
export function closeWithinLinger(socket: Socket): void {
  if (socket.destroyed) return;
  const deadline = setTimeout(() => socket.destroy(), LINGER_MAX_MS);
  socket.once('close', () => clearTimeout(deadline));
}

/**
 * An answer sent before the request body arrived in full: the rest of the body is read and
 * discarded (up to LINGER_MAX_BYTES) rather than left unread, and if the connection closes
 * after the answer, it closes lingeringly.
 */
function discardUnreadBody(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket;
  let discarded = 0;
  // Read before the answer is written: after it, Node would dump an unread body, and a
  // dumped body emits no 'data', so its bytes could not be counted against the bound.
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) socket.destroy();
  });
  request.resume();
  response.once('finish', () => {
    // Node's own 'finish' listener ran first. When the answer closes the connection it has
    // ended the socket (the FIN) and asked for its destroy once that end is flushed
    // (net.Socket#destroySoon, not a documented hook; the e2e tests pin it): that destroy,
    // with the body still arriving, is the reset. The FIN stays; the destroy waits for the
    // end of the body, the client, or the bounds.
    if (!socket.writableEnded || request.complete) return;
    socket.removeListener('finish', socket.destroy);
    request.once('end', () => socket.destroy());
    closeWithinLinger(socket);
  });
}

const METHODS_WITH_BODIES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Hook<T> = T | T[] | undefined;

function withHook<T>(hooks: Hook<T>, hook: T): T[] {
  return [...(hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]), hook];
}

/**
 * Registers the lingering close on every answer given before its request body was read,
 * on the routes that take bodies only: a GET pays nothing for it.
 */
export function lingerOnEarlyAnswers(fastify: FastifyInstance): void {
  const discardOnEarlyAnswer: onSendHookHandler = (request, reply, payload, done) => {
    if (!request.raw.complete) discardUnreadBody(request.raw, reply.raw);
    done(null, payload);
  };
  // A request already answered by the server (a 408 from answerClientError) whose body
  // still arrived in full while the connection lingered: it is discarded, never served.
  const skipAnswered: preValidationHookHandler = (request, reply, done) => {
    if (request.raw.socket.writableEnded) reply.hijack();
    done();
  };
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => METHODS_WITH_BODIES.has(method))) return;
    route.onSend = withHook(route.onSend as Hook<onSendHookHandler>, discardOnEarlyAnswer);
    route.preValidation = withHook(route.preValidation as Hook<preValidationHookHandler>, skipAnswered);
  });
}
