import { spawnSync } from 'node:child_process';
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
