import { Type } from '@nestjs/common';

/** One event a module publishes: what it is about (its aggregate) and its payload's class. */
export interface EventDefinition {
  /** Events of one aggregate are delivered in commit order, e.g. `reservation`, `stock`. */
  aggregate: string;
  /** The payload's class, with its OpenAPI decorators: webhook receivers generate types from it. */
  payload: Type<unknown>;
}

/** A module's event vocabulary, by event type (`<module noun>.<past participle>`). */
export type EventDefinitions = Readonly<Record<string, EventDefinition>>;

const EVENT_TYPE = /^[a-z]+(\.[a-z_]+)+$/;

/**
 * Declares a module's events. The module that owns a change names its events and their
 * payloads; the outbox stores and delivers whatever the application composed (see
 * EventCatalog.compose) and names none itself.
 */
export function defineEvents<const T extends EventDefinitions>(definitions: T): T {
  for (const type of Object.keys(definitions)) {
    if (!EVENT_TYPE.test(type)) throw new Error(`Invalid event type: ${type}`);
  }
  return definitions;
}

/**
 * Every event the application publishes, composed once where the modules are known (the
 * app level), the way error codes are. Webhook subscriptions may name these types and no
 * other; publishing or consuming a type nobody declared is a programming error.
 */
export class EventCatalog {
  private constructor(private readonly definitions: ReadonlyMap<string, EventDefinition>) {}

  /** A type declared twice is a mistake: two modules would own one contract. */
  static compose(...moduleEvents: EventDefinitions[]): EventCatalog {
    const definitions = new Map<string, EventDefinition>();
    for (const [type, definition] of moduleEvents.flatMap((set) => Object.entries(set))) {
      if (definitions.has(type)) throw new Error(`The event type ${type} is declared twice`);
      definitions.set(type, definition);
    }
    return new EventCatalog(definitions);
  }

  /** In the order they were composed: each module's, in its own order. */
  get types(): string[] {
    return [...this.definitions.keys()];
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  definitionOf(type: string): EventDefinition | undefined {
    return this.definitions.get(type);
  }

  /** Throws for a type no module declared: an event nobody documented must not reach subscribers. */
  assertDeclared(types: Iterable<string>, by: string): void {
    for (const type of types) {
      if (!this.definitions.has(type)) throw new Error(`${by} uses the undeclared event type ${type}`);
    }
  }
}
