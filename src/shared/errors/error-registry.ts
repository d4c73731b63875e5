import { ErrorCode, ErrorDefinition, ErrorDefinitions, GENERIC_ERRORS } from './error-codes';

/**
 * Every code the application answers with: the kernel's generic ones and each module's own,
 * composed once where the modules are known (the app level). The problem mapper reads each
 * code's status and title here, and the OpenAPI document lists these codes.
 */
export class ErrorRegistry {
  private constructor(private readonly definitions: ReadonlyMap<string, ErrorDefinition>) {}

  /** The kernel's codes and those of the given modules; a code declared twice is a mistake. */
  static compose(...moduleErrors: ErrorDefinitions[]): ErrorRegistry {
    const definitions = new Map<string, ErrorDefinition>();
    for (const [code, definition] of [GENERIC_ERRORS, ...moduleErrors].flatMap((set) => Object.entries(set))) {
      if (definitions.has(code)) throw new Error(`The error code ${code} is declared twice`);
      definitions.set(code, definition);
    }
    return new ErrorRegistry(definitions);
  }

  /** In the order they were composed: the kernel's first, then each module's. */
  get codes(): string[] {
    return [...this.definitions.keys()];
  }

  /** The code's status and title; undefined for a code that no composed module declares. */
  definitionOf(code: ErrorCode): ErrorDefinition;
  definitionOf(code: string): ErrorDefinition | undefined;
  definitionOf(code: string): ErrorDefinition | undefined {
    return this.definitions.get(code);
  }
}
