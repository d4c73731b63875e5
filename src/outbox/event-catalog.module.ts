import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventCatalog } from './event-catalog';

/** Serves the outbox the application's composed event catalog (see EventCatalog.compose). */
@Global()
@Module({})
export class EventCatalogModule {
  static forRoot(catalog: EventCatalog): DynamicModule {
    return {
      module: EventCatalogModule,
      providers: [{ provide: EventCatalog, useValue: catalog }],
      exports: [EventCatalog],
    };
  }
}
