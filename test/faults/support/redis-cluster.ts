import { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { eventually, freePort, killChild, run, spawn, temporaryDirectory } from './processes';

/**
 * A Redis Cluster of the test's own: three masters (`redis-server --cluster-enabled yes`)
 * on free loopback ports, joined with `redis-cli --cluster create`, keeping nothing once
 * destroyed.
 */
export class PrivateRedisCluster {
  private constructor(
    readonly ports: number[],
    private readonly children: ChildProcess[],
    private readonly directory: { path: string; remove(): void },
  ) {}

  static async start(masters = 3): Promise<PrivateRedisCluster> {
    const directory = temporaryDirectory('redis-cluster');
    const ports: number[] = [];
    for (let index = 0; index < masters; index++) ports.push(await freePort());
    const children = ports.map((port) => {
      const dir = join(directory.path, String(port));
      mkdirSync(dir);
      return spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        { stdio: 'ignore' },
      );
    });
    const cluster = new PrivateRedisCluster(ports, children, directory);
    try {
      for (const port of ports) {
        await eventually(async () => {
          const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
          if (stdout.trim() !== 'PONG') throw new Error('not answering yet');
        }, 10_000);
      }
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await eventually(async () => {
        for (const port of ports) {
          const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
          if (!stdout.includes('cluster_state:ok')) throw new Error(`node ${port} is not in a healthy cluster yet`);
        }
      }, 20_000);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** REDIS_CLUSTER_NODES for the app. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** The keys matching `pattern` held by each node, by port. */
  async keysByNode(pattern: string): Promise<Map<number, string[]>> {
    const held = new Map<number, string[]>();
    for (const port of this.ports) {
      const { stdout } = await run('redis-cli', ['-p', String(port), '--scan', '--pattern', pattern]);
      held.set(port, stdout.split('\n').filter(Boolean));
    }
    return held;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.children.map((child) => killChild(child, 'SIGKILL')));
    this.directory.remove();
  }
}
