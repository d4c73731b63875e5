import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, run, temporaryDirectory } from './processes';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb and the server refuse to run as root: as root, run them as the postgres user. */
const AS_POSTGRES = process.getuid?.() === 0;

function pgTool(tool: string, args: string[]) {
  const [command, commandArgs] = AS_POSTGRES
    ? ['runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]]
    : [join(BIN, tool), args];
  return run(command, commandArgs, { timeout: 60_000 });
}

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl) on a free loopback port under
 * a temporary directory, so that it can be restarted, crashed or stopped without touching
 * the machine's shared server. fsync is off for speed, which is safe here: the tests crash
 * the server, never the machine, and a commit still reaches the WAL before it is answered.
 */
export class PrivateCluster {
  private constructor(
    readonly port: number,
    private readonly directory: { path: string; remove(): void },
  ) {}

  static async start(): Promise<PrivateCluster> {
    const directory = temporaryDirectory('postgres');
    if (AS_POSTGRES) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(directory.path, Number(stdout.trim()), Number(gid.trim()));
    }
    const cluster = new PrivateCluster(await freePort(), directory);
    await pgTool('initdb', ['-D', cluster.dataDirectory, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await cluster.startServer();
    return cluster;
  }

  private get dataDirectory(): string {
    return join(this.directory.path, 'data');
  }

  url(database = 'commerce'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async startServer(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.directory.path}`,
      `-c listen_addresses=127.0.0.1`,
      `-c fsync=off`,
      `-c full_page_writes=off`,
      `-c max_connections=200`,
    ].join(' ');
    await pgTool('pg_ctl', [
      '-D',
      this.dataDirectory,
      '-o',
      options,
      '-l',
      join(this.directory.path, 'log'),
      '-w',
      'start',
    ]);
  }

  /** `fast` ends sessions and shuts down cleanly; `immediate` aborts like a crash, with recovery at start. */
  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    await this.stopServer(mode);
    await this.startServer();
  }

  async stopServer(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await pgTool('pg_ctl', ['-D', this.dataDirectory, '-m', mode, '-w', 'stop']);
  }

  async createDatabase(name = 'commerce'): Promise<void> {
    await this.withClient('postgres', (client) => client.query(`CREATE DATABASE "${name}"`));
  }

  async withClient<T>(database: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stopServer('immediate').catch(() => undefined);
    this.directory.remove();
  }
}
