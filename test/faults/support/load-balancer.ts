import { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, killChild, run, spawn, temporaryDirectory } from './processes';

/** Seconds between health checks, and how many in a row take a server out or bring it back. */
const CHECK_INTERVAL_MS = 500;
const CHECKS_TO_CHANGE_STATE = 2;

/**
 * A real HAProxy of the test's own (Debian's haproxy, installed by .ci/run), on a free
 * loopback port, round-robin over the app processes. It takes a server out after
 * failed GET /health/ready checks, as a production balancer does, and sends a request
 * whose connection was refused to another server (nothing was sent: safe for a POST).
 */
export class LoadBalancer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly directory: { path: string; remove(): void },
  ) {}

  /** How long a dead server may still be picked, at most: the checks that take it out. */
  static readonly DETECTION_MS = CHECK_INTERVAL_MS * (CHECKS_TO_CHANGE_STATE + 1);

  static async available(): Promise<boolean> {
    return run('haproxy', ['-v']).then(
      () => true,
      () => false,
    );
  }

  static async start(backendPorts: number[]): Promise<LoadBalancer> {
    const port = await freePort();
    const directory = temporaryDirectory('haproxy');
    const config = join(directory.path, 'haproxy.cfg');
    writeFileSync(config, configuration(port, backendPorts));
    await run('haproxy', ['-c', '-f', config]);
    const child = spawn('haproxy', ['-db', '-f', config], { stdio: 'ignore' });
    const balancer = new LoadBalancer(port, child, directory);
    await eventually(async () => {
      const response = await fetch(`${balancer.url}/health`);
      if (response.status !== 200) throw new Error(`the balancer answers ${response.status}`);
    }, 20_000);
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async destroy(): Promise<void> {
    await killChild(this.child, 'SIGTERM');
    this.directory.remove();
  }
}

function configuration(port: number, backendPorts: number[]): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  retries 2',
    '  option redispatch 1',
    '  retry-on conn-failure',
    'frontend shop',
    `  bind 127.0.0.1:${port}`,
    '  default_backend apps',
    'backend apps',
    '  balance roundrobin',
    '  option httpchk GET /health/ready',
    '  http-check expect status 200',
    `  default-server inter ${CHECK_INTERVAL_MS}ms fall ${CHECKS_TO_CHANGE_STATE} rise ${CHECKS_TO_CHANGE_STATE}`,
    ...backendPorts.map((backend, index) => `  server app${index + 1} 127.0.0.1:${backend} check`),
    '',
  ].join('\n');
}
