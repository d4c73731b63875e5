#!/usr/bin/env node
import 'reflect-metadata';
import { CommanderOptionsType, CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';
import { ExitCode, UsageError } from './ops-command';

/**
 * `commerce <command>` (package.json `bin`; `node dist/src/cli/main.js` in the image).
 * Exit codes: 0 done, 1 a problem found, 2 a usage or configuration error, 3 failed.
 */
async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    cliName: 'commerce',
    logger: false,
    // Commander's own verdicts: --help and --version are success, anything else is usage.
    errorHandler: (error) => {
      const exitCode = (error as { exitCode?: number }).exitCode;
      process.exit(exitCode === 0 ? ExitCode.OK : ExitCode.USAGE);
    },
    // An option's parser refused its value.
    serviceErrorHandler: (error) => {
      console.error(error.message);
      process.exitCode = error instanceof UsageError ? ExitCode.USAGE : ExitCode.FAILED;
    },
    helpConfiguration: { commandUsage },
  });
}

type Help = NonNullable<CommanderOptionsType['helpConfiguration']>;
type Command = Parameters<NonNullable<Help['commandUsage']>>[0];

/** "commerce token [options]": commander would name the program after this file. */
function commandUsage(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  names[0] = 'commerce';
  return `${names.join(' ')} ${command.usage()}`;
}

main().then(
  () => process.exit(process.exitCode ?? ExitCode.OK),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof UsageError ? ExitCode.USAGE : ExitCode.FAILED);
  },
);
