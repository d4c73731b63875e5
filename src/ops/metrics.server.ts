import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { register } from 'prom-client';
import { MetricsCollector } from './metrics.collector';

/**
 * /metrics on a port of its own (METRICS_PORT), for deployments whose API port faces
 * the public: only the scraper's network needs to reach this one. Started by main.ts
 * once the API listens, so the CLI's in-process apps never open it.
 */
@Injectable()
export class MetricsServer implements OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(private readonly collector: MetricsCollector) {}

  async listen(port: number, host: string): Promise<void> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
        return;
      }
      this.collector
        .refresh()
        .then(() => register.metrics())
        .then(
          (text) => response.writeHead(200, { 'content-type': register.contentType }).end(text),
          (error: unknown) => {
            this.logger.error({ err: error }, 'Could not render the metrics');
            response.writeHead(500).end();
          },
        );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
