import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from '../config';
import { buildDataSourceOptions } from './database.options';

/** Entry point of the TypeORM CLI (`npm run migration:*`), configured like the app. */
export default new DataSource(buildDataSourceOptions(validateEnv(process.env)));
