import { DynamicModule, Global, Module } from '@nestjs/common';
import { ErrorRegistry } from './error-registry';
import { ProblemDetailsFilter } from './problem-details.filter';

/** Serves every module the filter that answers with the application's error registry. */
@Global()
@Module({})
export class ErrorsModule {
  static forRoot(registry: ErrorRegistry): DynamicModule {
    return {
      module: ErrorsModule,
      providers: [{ provide: ErrorRegistry, useValue: registry }, ProblemDetailsFilter],
      exports: [ProblemDetailsFilter],
    };
  }
}
