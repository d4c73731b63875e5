import { parse } from 'dotenv';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env, validateEnv } from './env';
import { readEnvironment } from './env-file';

describe(readEnvironment.name, () => {
  let directory: string;
  const file = () => join(directory, 'settings.env');

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'env-file-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('adds the settings of the file to the environment', () => {
    writeFileSync(file(), 'PORT=4000\nCURRENCY="EUR" # a comment\n');

    expect(readEnvironment({ ENV_FILE: file(), HOST: '127.0.0.1' })).toMatchObject({
      PORT: '4000',
      CURRENCY: 'EUR',
      HOST: '127.0.0.1',
    });
  });

  it('lets a variable of the environment win over the file', () => {
    writeFileSync(file(), 'PORT=4000\n');

    expect(readEnvironment({ ENV_FILE: file(), PORT: '5000' }).PORT).toBe('5000');
  });

  it('reads nothing more when the file is missing', () => {
    expect(readEnvironment({ ENV_FILE: file(), PORT: '5000' })).toEqual({ ENV_FILE: file(), PORT: '5000' });
  });
});

describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
  const listed = [...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=/gm)].map(([, name]) => name);

  it('lists every setting the app reads', () => {
    expect([...listed].sort()).toEqual(Object.keys(new Env()).sort());
  });

  it('gives each setting its default', () => {
    expect(validateEnv(parse(text))).toEqual(validateEnv({}));
  });
});
