import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Starts src/main.ts with the given environment and returns how it ended. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('startup', () => {
  it('stops with one line naming each bad setting', () => {
    const result = start({ PORT: 'eighty', CURRENCY: 'dollars' });

    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: /);
    expect(lines[0]).toContain('PORT');
    expect(lines[0]).toContain('CURRENCY');
  });

  it('refuses to start in production without a JWT secret', () => {
    const { JWT_SECRET: _secret, ...rest } = process.env;
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: root,
      env: { ...rest, NODE_ENV: 'production' } as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  });
});

describe('shutdown', () => {
  it('finishes a request in flight when SIGTERM arrives, then exits', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForHealth(`http://127.0.0.1:${port}/health`);
      const body = JSON.stringify({ name: 'Arrives late' });
      const socket = connect(port, '127.0.0.1');
      const answer = new Promise<string>((resolve) => {
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
      });
      // Half a request is on the wire when the signal arrives; the rest follows after it.
      socket.write(
        `POST /api/products/categories HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
      );
      await sleep(300);
      child.kill('SIGTERM');
      await sleep(300);
      socket.end(body.slice(5));

      expect(await answer).toMatch(/^HTTP\/1\.1 401 /);
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Generous: ts-node compiles the app while the other test files load both cores. */
async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 50_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${url} did not answer`);
}
