import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Command } from 'nest-commander';
import { createDatabaseIfMissing, splitDatabaseUrl } from '../shared/database';
import { ExitCode, OpsCommand, UsageError } from './ops-command';
import {
  migrationSource,
  migrationStates,
  pendingSchemaChanges,
  revertLastMigration,
  runPendingMigrations,
  withDatabase,
} from './schema';

const MIGRATION_NAME = /^[A-Z][A-Za-z0-9]{0,80}$/;

@Command({ name: 'db:create', description: 'Create the database DATABASE_URL names, unless it exists' })
export class CreateDatabaseCommand extends OpsCommand {
  protected async execute(): Promise<ExitCode> {
    const env = this.env();
    const { database } = splitDatabaseUrl(env.DATABASE_URL);
    const created = await createDatabaseIfMissing(env.DATABASE_URL);
    console.log(created ? `Created database ${database}` : `Database ${database} exists`);
    return ExitCode.OK;
  }
}

@Command({
  name: 'migrate:run',
  description: 'Apply every pending migration (creates the database when it is missing)',
})
export class MigrateRunCommand extends OpsCommand {
  protected async execute(): Promise<ExitCode> {
    const applied = await withDatabase(this.env(), runPendingMigrations);
    for (const name of applied) console.log(`Applied  ${name}`);
    console.log(applied.length === 0 ? 'No pending migrations.' : `${applied.length} migration(s) applied.`);
    return ExitCode.OK;
  }
}

@Command({ name: 'migrate:revert', description: 'Undo the most recently applied migration' })
export class MigrateRevertCommand extends OpsCommand {
  protected async execute(): Promise<ExitCode> {
    const reverted = await withDatabase(this.env(), revertLastMigration);
    console.log(reverted ? `Reverted ${reverted}` : 'No migration is applied; nothing to revert.');
    return ExitCode.OK;
  }
}

@Command({ name: 'migrate:show', description: 'List the migrations, [X] applied and [ ] pending' })
export class MigrateShowCommand extends OpsCommand {
  protected async execute(): Promise<ExitCode> {
    const states = await withDatabase(this.env(), migrationStates);
    for (const state of states) console.log(`${state.applied ? '[X]' : '[ ]'} ${state.name}`);
    const pending = states.filter((state) => !state.applied).length;
    console.log(`${states.length - pending} applied, ${pending} pending.`);
    return ExitCode.OK;
  }
}

@Command({
  name: 'migrate:check',
  description: 'Exit 1 when the entities need a migration that does not exist (uses a scratch database)',
})
export class MigrateCheckCommand extends OpsCommand {
  protected async execute(): Promise<ExitCode> {
    const changes = await pendingSchemaChanges(this.env());
    if (changes.up.length === 0) {
      console.log('Migrations match the entities.');
      return ExitCode.OK;
    }
    console.log('Entities and migrations differ. A migration would need:');
    for (const query of changes.up) console.log(`  ${query.trim()};`);
    console.log('Run `commerce migrate:generate <Name>` and review the result.');
    return ExitCode.PROBLEM_FOUND;
  }
}

@Command({
  name: 'migrate:generate',
  arguments: '<Name>',
  argsDescription: { Name: 'PascalCase name of the migration, e.g. AddWishlist' },
  description:
    'Development: write migrations/<timestamp>-<Name>.ts with what the compiled entities need (run `npm run build` first)',
})
export class MigrateGenerateCommand extends OpsCommand {
  protected async execute([name]: string[]): Promise<ExitCode> {
    if (!MIGRATION_NAME.test(name ?? '')) throw new UsageError('The name must be PascalCase letters and digits');
    const env = this.env();
    if (env.NODE_ENV === 'production') {
      throw new UsageError('migrate:generate writes source files: run it in a development clone, not in production');
    }
    const changes = await pendingSchemaChanges(env);
    if (changes.up.length === 0) {
      console.log('Migrations match the entities: nothing to generate.');
      return ExitCode.OK;
    }
    const timestamp = Date.now();
    const file = join(process.cwd(), 'migrations', `${timestamp}-${name}.ts`);
    await writeFile(file, migrationSource(`${name}${timestamp}`, changes), { flag: 'wx' });
    console.log(`Wrote ${relative(process.cwd(), file)} (${changes.up.length} statement(s)); review it, then build.`);
    return ExitCode.OK;
  }
}
