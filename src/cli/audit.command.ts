import { Command } from 'nest-commander';
import { withInProcessApp } from './in-process-app';
import { ExitCode, OpsCommand } from './ops-command';
import { adminApiOf } from './seed';

/** The parts of the audit's answer this command judges; any others are printed as they come. */
interface Audit {
  drift: unknown[];
  stuck?: unknown[];
}

@Command({
  name: 'audit',
  description: 'Print the inventory audit as JSON; exit 1 when stock drifted from its ledger or reservations are stuck',
})
export class AuditCommand extends OpsCommand {
  protected async execute(): Promise<ExitCode> {
    const env = this.env({ LOG_LEVEL: 'warn' }, { MIGRATIONS_RUN: 'false' });
    const audit = await withInProcessApp(env, (app) => adminApiOf(app).call('GET', '/api/inventory/audit'));
    console.log(JSON.stringify(audit, null, 2));
    const { drift, stuck = [] } = audit as unknown as Audit;
    return drift.length === 0 && stuck.length === 0 ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
  }
}
