import { Module } from '@nestjs/common';
import { AuditCommand } from './audit.command';
import {
  CreateDatabaseCommand,
  MigrateCheckCommand,
  MigrateGenerateCommand,
  MigrateRevertCommand,
  MigrateRunCommand,
  MigrateShowCommand,
} from './database.commands';
import { OpenApiCommand } from './openapi.command';
import { SeedCommand } from './seed.command';
import { TokenCommand } from './token.command';

/**
 * The `commerce` ops CLI, a standalone Nest context of its own. It holds no connection:
 * each command opens what it needs (the app's DataSource, or the whole app in-process)
 * from the app's own configuration and closes it before exiting.
 */
@Module({
  providers: [
    CreateDatabaseCommand,
    MigrateRunCommand,
    MigrateRevertCommand,
    MigrateShowCommand,
    MigrateCheckCommand,
    MigrateGenerateCommand,
    SeedCommand,
    TokenCommand,
    AuditCommand,
    OpenApiCommand,
  ],
})
export class CliModule {}
