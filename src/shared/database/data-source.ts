import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from '../config';
import { buildDataSourceOptions } from './database.options';

/**
 * Entry point of the TypeORM CLI (`npm run migration:*`), configured like the app. It
 * reads only the database settings, so running migrations needs no JWT secret.
 */
const { DATABASE_URL, DATABASE_POOL_SIZE } = process.env;
export default new DataSource(buildDataSourceOptions(validateEnv({ DATABASE_URL, DATABASE_POOL_SIZE })));
