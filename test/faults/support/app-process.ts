import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { eventually, exited, freePort, killChild, spawn } from './processes';

const ROOT = join(__dirname, '..', '..', '..');

export interface AppLogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/**
 * The service as operators run it: its own process (src/main.ts), configured only by its
 * environment, so that it can be crashed with SIGKILL and started again. Keeps its JSON
 * log lines for the assertions.
 */
export class AppProcess {
  readonly logs: AppLogLine[] = [];
  private child?: ChildProcess;
  private readonly jwt: JwtService;

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.jwt = new JwtService({ secret: env.JWT_SECRET });
  }

  static async create(env: Record<string, string>): Promise<AppProcess> {
    const port = await freePort();
    return new AppProcess(port, {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_CART_PER_MINUTE: '0',
      LOG_LEVEL: 'info',
      ...env,
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process; resolves once it runs (not once it is ready: see waitUntilReady). */
  start(): void {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const collect = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as AppLogLine);
        } catch {
          this.logs.push({ level: 0, msg: line });
        }
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
  }

  /** Generous: ts-node compiles the app first. */
  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    await eventually(async () => {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new Error(`the app exited with ${this.child.exitCode}: ${JSON.stringify(this.logs.slice(-5))}`);
      }
      const response = await fetch(`${this.url}/health/ready`);
      if (response.status !== 200) throw new Error(`not ready: ${response.status}`);
    }, timeoutMs);
  }

  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child) await killChild(this.child, signal);
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 15_000)));
    const stopped = await Promise.race([exited(child).then(() => true), gaveUp]);
    // Cleared, so that a stopped process leaves no timer keeping the test runner alive.
    clearTimeout(timer);
    if (!stopped) await killChild(child, 'SIGKILL');
  }

  token(sub: string, options: { admin?: boolean; tier?: string } = {}): string {
    return this.jwt.sign(
      { sub, tier: options.tier ?? 'STANDARD', roles: options.admin ? ['admin'] : [] },
      { algorithm: 'HS256', expiresIn: 3600 },
    );
  }
}
