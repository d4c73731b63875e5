import { JwtService } from '@nestjs/jwt';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TokenService } from '../../src/shared/auth';

const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 250; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} never answered`);
}

describe('the log of a running service', () => {
  it('says where it listens, who called and why a request failed, and when shutdown starts and ends', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close', not 'exit': the child's last lines may still be in the pipe when it exits.
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    try {
      await waitForHealth(`http://127.0.0.1:${port}/health`);
      const token = new TokenService(new JwtService({ secret: process.env.JWT_SECRET })).issue({ sub: 'log-reader' });
      const answer = await fetch(`http://127.0.0.1:${port}/api/cart/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(409);
      child.kill('SIGTERM');
      await exited;
    } finally {
      child.kill('SIGKILL');
    }

    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const url = `http://127.0.0.1:${port}`;
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          url,
          docs: `${url}/docs`,
          role: 'api+worker',
          msg: expect.stringMatching(/^Listening/),
        }),
        expect.objectContaining({
          req: expect.objectContaining({ url: '/api/cart/checkout' }),
          sub: 'log-reader',
          code: 'CART_EMPTY',
        }),
        expect.objectContaining({ signal: 'SIGTERM', msg: expect.stringMatching(/^Shutting down/) }),
        expect.objectContaining({ signal: 'SIGTERM', msg: 'Shut down' }),
      ]),
    );
    const order = ['Listening', 'Shutting down', 'Shut down'].map((start) =>
      lines.findIndex((line) => String(line.msg).startsWith(start)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }, 90_000);
});
