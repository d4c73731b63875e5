import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const CONSOLE_PATH = '/admin';

/**
 * The console's own policy: its scripts, styles and API calls come from this origin only
 * (stricter than the API's, which lets Swagger UI use inline styles).
 */
const CONSOLE_CSP = [
  `default-src 'self'`,
  `script-src 'self'`,
  `style-src 'self'`,
  `img-src 'self' data:`,
  `connect-src 'self'`,
  `font-src 'self'`,
  `object-src 'none'`,
  `base-uri 'self'`,
  `form-action 'self'`,
  `frame-ancestors 'none'`,
].join('; ');

/**
 * Serves the built console at /admin/ from `directory`: its files only (the queue board at
 * /admin/queues keeps its routes), index.html never cached, the hashed assets for a year.
 * A clone that has not been built serves no console and says so once.
 */
export async function serveConsole(fastify: FastifyInstance, directory: string): Promise<boolean> {
  const root = resolve(directory);
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Console').warn(`No console at ${root}: run \`npm run build\` to serve it at ${CONSOLE_PATH}`);
    return false;
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: `${CONSOLE_PATH}/`,
    // Swagger UI registers the plugin too.
    decorateReply: false,
    wildcard: false,
    index: ['index.html'],
    setHeaders: (response, path) => {
      void response.header('content-security-policy', CONSOLE_CSP);
      void response.header(
        'cache-control',
        basename(path) === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
  return true;
}
