import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The process environment over the settings of a `.env` file, as @nestjs/config merges
 * them: a variable set in the environment always wins over the file. The file is
 * `.env` in the working directory, or the one ENV_FILE names; a missing file is no error
 * (production images configure through the environment alone).
 */
export function readEnvironment(environment: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = resolve(environment.ENV_FILE ?? '.env');
  if (!existsSync(file)) return { ...environment };
  return { ...parse(readFileSync(file)), ...environment };
}
