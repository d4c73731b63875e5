import { ChildProcess } from 'node:child_process';
import { eventually, freePort, killChild, run, spawn, temporaryDirectory } from './processes';

/**
 * A redis-server of the test's own on a free loopback port, keeping nothing on disk (as
 * the machine's shared Redis runs): killed and started again, it comes back empty.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly directory: { path: string; remove(): void },
  ) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), temporaryDirectory('redis'));
    await redis.startServer();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.directory.path,
      ],
      { stdio: 'ignore' },
    );
    await eventually(async () => {
      const { stdout } = await run('redis-cli', ['-p', String(this.port), 'ping']);
      if (stdout.trim() !== 'PONG') throw new Error('redis is not answering yet');
    }, 10_000);
  }

  /** SIGKILL: no shutdown, no save; what a crashed or evicted Redis container does. */
  async kill(): Promise<void> {
    if (this.child) await killChild(this.child, 'SIGKILL');
    this.child = undefined;
  }

  async keys(pattern: string): Promise<string[]> {
    const { stdout } = await run('redis-cli', ['-p', String(this.port), '--scan', '--pattern', pattern]);
    return stdout.split('\n').filter(Boolean);
  }

  async destroy(): Promise<void> {
    await this.kill();
    this.directory.remove();
  }
}
