import { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ownedDirectory } from './postgres-cluster';
import { eventually, freePort, killChild, run, spawn } from './processes';

const AS_ROOT = process.getuid?.() === 0;

/**
 * A PgBouncer of the test's own (Debian's package), in transaction mode in front of a
 * private cluster, on a free loopback port. `commerce` is pooled per transaction, as
 * production runs it; `commerce_session` is a session-mode pool for the one connection
 * that LISTENs. Waits are short, so that a primary that is gone shows as errors within
 * seconds, not as clients queued for PgBouncer's default two minutes.
 */
export class PrivateBouncer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private serverPort: number,
    private readonly directory: { path: string; remove(): void },
  ) {}

  static async start(serverPort: number): Promise<PrivateBouncer> {
    if (
      !(await run('sh', ['-c', 'command -v pgbouncer']).then(
        () => true,
        () => false,
      ))
    ) {
      throw new Error('pgbouncer is not installed (Debian: apt-get install pgbouncer)');
    }
    const bouncer = new PrivateBouncer(await freePort(), serverPort, await ownedDirectory('pgbouncer'));
    bouncer.writeConfig();
    writeFileSync(join(bouncer.directory.path, 'users.txt'), '"postgres" ""\n');
    await bouncer.launch();
    return bouncer;
  }

  url(database = 'commerce'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get sessionUrl(): string {
    return this.url('commerce_session');
  }

  /** Points both pools at another server and reloads, as an operator does in a failover. */
  async pointAt(serverPort: number): Promise<void> {
    this.serverPort = serverPort;
    this.writeConfig();
    this.child?.kill('SIGHUP');
    await this.admin('RECONNECT');
  }

  async destroy(): Promise<void> {
    if (this.child) await killChild(this.child, 'SIGTERM');
    this.directory.remove();
  }

  private async launch(): Promise<void> {
    const config = join(this.directory.path, 'pgbouncer.ini');
    // PgBouncer refuses to run as root; -u drops to postgres in the same process, so its pid is ours to signal.
    const args = AS_ROOT ? ['-u', 'postgres', config] : [config];
    const child = spawn('pgbouncer', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child = child;
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${stderr}`);
      const client = new Client({ connectionString: this.url('pgbouncer') });
      await client.connect();
      await client.end();
    }, 15_000);
  }

  private async admin(command: string): Promise<void> {
    const client = new Client({ connectionString: this.url('pgbouncer') });
    await client.connect();
    try {
      await client.query(command);
    } finally {
      await client.end();
    }
  }

  private writeConfig(): void {
    const dir = this.directory.path;
    const server = `host=127.0.0.1 port=${this.serverPort} dbname=commerce`;
    const path = join(dir, 'pgbouncer.ini');
    writeFileSync(
      path,
      [
        '[databases]',
        `commerce = ${server}`,
        `commerce_session = ${server} pool_mode=session`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'users.txt')}`,
        'admin_users = postgres',
        'pool_mode = transaction',
        'max_client_conn = 500',
        'default_pool_size = 40',
        'query_wait_timeout = 3',
        'server_connect_timeout = 2',
        'server_login_retry = 1',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
  }
}
