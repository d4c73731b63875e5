import { Command, Option } from 'nest-commander';
import { seedDemoCatalog } from './demo-catalog';
import { withInProcessApp } from './in-process-app';
import { ExitCode, OpsCommand } from './ops-command';
import { runPendingMigrations, withDatabase } from './schema';
import { seedDemoData, SeedStep } from './seed';

@Command({
  name: 'seed',
  description:
    'Load the demo data (creates and migrates the database first); a second run changes nothing. ' +
    '--demo adds a larger catalog for frontends',
})
export class SeedCommand extends OpsCommand {
  protected async execute(_params: string[], options: Record<string, unknown>): Promise<ExitCode> {
    // The app's request logs would drown the report; LOG_LEVEL still wins when set.
    const env = this.env({ LOG_LEVEL: 'warn' }, { MIGRATIONS_RUN: 'false' });
    await withDatabase(env, runPendingMigrations);
    const { steps, variantId } = await withInProcessApp(env, async (app) => {
      const base = await seedDemoData(app);
      const demo = options.demo ? await seedDemoCatalog(app) : [];
      return { steps: [...base.steps, ...demo], variantId: base.variantId };
    });
    report(steps, Boolean(options.demo));
    console.log(`Try: curl 'localhost:${env.PORT}/api/pricing/${variantId}/price?quantity=10&tier=GOLD'`);
    return ExitCode.OK;
  }

  @Option({ flags: '--demo', description: 'also load the demo catalog: 50+ products over nested categories' })
  parseDemo(): boolean {
    return true;
  }
}

/** Every step on its own line, except that a large catalog is summed up when nothing changed in it. */
function report(steps: SeedStep[], summarise: boolean): void {
  const changed = steps.filter((step) => step.outcome !== 'unchanged');
  for (const step of summarise ? changed : steps) console.log(`${step.outcome.padEnd(9)} ${step.what} (id ${step.id})`);
  if (summarise) console.log(`${steps.length - changed.length} item(s) unchanged.`);
  console.log(
    changed.length === 0 ? 'Nothing to change: the demo data was already there.' : `${changed.length} change(s) made.`,
  );
}
