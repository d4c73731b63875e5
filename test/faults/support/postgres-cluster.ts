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
    const cluster = new PrivateCluster(await freePort(), await ownedDirectory('postgres'));
    await pgTool('initdb', ['-D', cluster.dataDirectory, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await cluster.startServer();
    return cluster;
  }

  /**
   * A streaming replica of `primary` (pg_basebackup -R), in hot standby, on a port of its
   * own. initdb's default pg_hba.conf trusts replication connections from loopback.
   */
  static async replicaOf(primary: PrivateCluster): Promise<PrivateCluster> {
    const replica = new PrivateCluster(await freePort(), await ownedDirectory('replica'));
    await pgTool('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replica.dataDirectory,
      '-R',
      '-X',
      'stream',
      // At once: the default spreads the checkpoint over minutes.
      '--checkpoint=fast',
      '--no-sync',
    ]);
    await replica.startServer();
    return replica;
  }

  /**
   * Commits wait until a standby has the WAL: without it a failover loses the last
   * transactions a client was told had committed. Set after the base backup, so that the
   * replica, once promoted, does not wait for a standby of its own.
   */
  async requireSynchronousStandby(): Promise<void> {
    await this.withClient('postgres', async (client) => {
      await client.query(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
      await client.query('SELECT pg_reload_conf()');
    });
  }

  /** Ends recovery: the replica becomes a primary that takes writes. */
  async promote(): Promise<void> {
    await pgTool('pg_ctl', ['-D', this.dataDirectory, '-w', 'promote']);
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

  /** Pauses or resumes the replica's replay of WAL: a replica that falls behind on purpose. */
  async pauseReplay(paused: boolean): Promise<void> {
    await this.withClient('postgres', (client) =>
      client.query(paused ? 'SELECT pg_wal_replay_pause()' : 'SELECT pg_wal_replay_resume()'),
    );
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

/** A temporary directory the postgres user owns, for the server tools that refuse to run as root. */
export async function ownedDirectory(name: string): Promise<{ path: string; remove(): void }> {
  const directory = temporaryDirectory(name);
  if (AS_POSTGRES) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(directory.path, Number(stdout.trim()), Number(gid.trim()));
  }
  return directory;
}
