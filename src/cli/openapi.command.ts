import { writeFile } from 'node:fs/promises';
import { Command } from 'nest-commander';
import { buildOpenApiDocument, createApp } from '../app.factory';
import { ExitCode, OpsCommand } from './ops-command';

@Command({
  name: 'openapi',
  arguments: '[file]',
  argsDescription: { file: 'where to write the document; stdout when omitted' },
  description: 'Print the OpenAPI document the app serves at /docs-json; touches no database',
})
export class OpenApiCommand extends OpsCommand {
  protected async execute([file]: string[]): Promise<ExitCode> {
    // A preview app has every route and schema but instantiates no provider, so it
    // connects to nothing; its log stays silent because the document may go to stdout.
    const app = await createApp(this.env({}, { LOG_LEVEL: 'silent' }), { preview: true });
    try {
      const json = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
      if (file) await writeFile(file, json);
      // A pipe takes only so much at once; the process exits right after this command, so
      // it waits until the whole document has been handed to the reader.
      else
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(json, (error) => (error ? reject(error) : resolve())),
        );
    } finally {
      await app.close();
    }
    return ExitCode.OK;
  }
}
