import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** The data source the TypeORM CLI uses (`npm run migration:generate`). */
export default new DataSource(dataSourceOptions(loadConfig(process.env).databaseUrl));
