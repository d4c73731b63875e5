import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { readEnvironment, validateEnv } from '../config';
import { buildDataSourceOptions } from './database.options';

/**
 * Entry point for TypeORM's own CLI (`typeorm -d dist/src/shared/database/data-source.js`),
 * configured like the app, `.env` included; `commerce migrate:*` is the supported way.
 * It reads only the database settings, so running migrations needs no JWT secret.
 */
const { DATABASE_URL, DATABASE_POOL_SIZE } = readEnvironment();
export default new DataSource(buildDataSourceOptions(validateEnv({ DATABASE_URL, DATABASE_POOL_SIZE })));
