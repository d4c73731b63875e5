import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Client } from 'pg';
import * as ts from 'typescript';
import { splitDatabaseUrl } from '../../src/shared/database';

export const root = join(__dirname, '..', '..');

function sourcesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The app and CLI compiled into `<directory>/dist` in the layout `npm run build` makes
 * (dist/src, dist/migrations). Each file is transpiled on its own, as ts-jest does for
 * these tests, which takes a second where a type-checked build takes half a minute;
 * `npm run build` and lint check the types.
 */
export function compileInto(directory: string): void {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  const compilerOptions = { ...options, sourceMap: false, isolatedModules: true };
  for (const file of [...sourcesUnder(join(root, 'src')), ...sourcesUnder(join(root, 'migrations'))]) {
    const output = join(directory, 'dist', relative(root, file)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, outputText);
  }
}

export interface CliBuild {
  directory: string;
  /** Runs `commerce <args>` with the test run's environment plus `env`, in `cwd` (default: the build). */
  run(args: string[], env?: Record<string, string | undefined>, cwd?: string): SpawnSyncReturns<string>;
  remove(): void;
}

/** A temporary directory holding the compiled CLI; `node_modules` links to this clone's. */
export function buildCli(label = 'cli'): CliBuild {
  const directory = mkdtempSync(join(tmpdir(), `commerce-${label}-`));
  compileInto(directory);
  symlinkSync(join(root, 'node_modules'), join(directory, 'node_modules'), 'dir');
  return cliIn(directory);
}

export function cliIn(directory: string): CliBuild {
  return {
    directory,
    run: (args, env = {}, cwd = directory) =>
      spawnSync(process.execPath, [join(directory, 'dist', 'src', 'cli', 'main.js'), ...args], {
        cwd,
        env: { ...process.env, ...env } as NodeJS.ProcessEnv,
        encoding: 'utf8',
        timeout: 120_000,
      }),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

export async function databaseExists(databaseUrl: string): Promise<boolean> {
  const { serverUrl, database } = splitDatabaseUrl(databaseUrl);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return Boolean((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount);
  } finally {
    await client.end();
  }
}
