import { CommandRunner } from 'nest-commander';
import { Env, readEnvironment, validateEnv } from '../shared/config';

/** Exit codes of every `commerce` command (docs/operations.md documents them). */
export const ExitCode = {
  /** Done; for checks: nothing wrong. */
  OK: 0,
  /** The command ran and found a problem: stock drift, stuck reservations, entities ahead of migrations. */
  PROBLEM_FOUND: 1,
  /** The command line or a setting is wrong; nothing was done. */
  USAGE: 2,
  /** The command could not do its work: database unreachable, a migration failed. */
  FAILED: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad argument or option: reported with the command's usage line, exit code 2. */
export class UsageError extends Error {}

/**
 * A `commerce` command: the work returns its exit code, and anything it throws becomes
 * one line on stderr instead of a stack, the way an operator wants to read it.
 */
export abstract class OpsCommand extends CommandRunner {
  protected abstract execute(params: string[], options: Record<string, unknown>): Promise<ExitCode>;

  async run(params: string[], options: Record<string, unknown> = {}): Promise<void> {
    try {
      process.exitCode = await this.execute(params, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof UsageError) {
        console.error(`${message}\n${this.command.helpInformation().split('\n')[0]}`);
        process.exitCode = ExitCode.USAGE;
      } else {
        console.error(`${this.command.name()} failed: ${message}`);
        process.exitCode = ExitCode.FAILED;
      }
    }
  }

  /**
   * The app's validated settings from the environment and `.env`. `defaults` apply only
   * where neither sets a value; `forced` always wins.
   */
  protected env(defaults: Record<string, string> = {}, forced: Record<string, string> = {}): Env {
    try {
      return validateEnv({ ...defaults, ...readEnvironment(), ...forced });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
}
