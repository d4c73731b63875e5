import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A statement TypeORM's query builder writes once per process and that is then sent as
 * text with positional parameters. Its SQL depends on the entity metadata alone, never on
 * the values, and rebuilding it on every call (aliases, column lists, parameter escaping,
 * then hydrating entities from the rows) cost a hot path more CPU than the round trip.
 * Use it where one statement runs per request on the hot path; elsewhere a plain query
 * builder call is clearer.
 *
 * `build` receives a placeholder for each named parameter and must pass each one, as is,
 * to `setParameter`/`where(…, { name })`; the placeholders tell which `$n` each name became.
 */
export class BuiltOnce<Name extends string> {
  private statement?: { sql: string; order: Name[] };

  constructor(
    private readonly names: readonly Name[],
    private readonly build: (placeholders: Record<Name, unknown>) => SelectQueryBuilder<ObjectLiteral>,
  ) {}

  /** Runs the statement in `tx` with these values; the rows come back raw, as the builder aliased them. */
  run<Row>(tx: EntityManager, values: Record<Name, unknown>): Promise<Row[]> {
    const { sql, order } = this.compiled();
    return tx.query(
      sql,
      order.map((name) => values[name]),
    );
  }

  /** The statement's text, and the name of the value each `$n` takes, in order. */
  compiled(): { sql: string; order: Name[] } {
    return (this.statement ??= this.compile());
  }

  private compile(): { sql: string; order: Name[] } {
    const placeholders = new Map<unknown, Name>();
    for (const name of this.names) placeholders.set({ placeholderOf: name }, name);
    const byName = Object.fromEntries([...placeholders].map(([placeholder, name]) => [name, placeholder]));
    const [sql, parameters] = this.build(byName as Record<Name, unknown>).getQueryAndParameters();
    const order = parameters.map((parameter) => {
      const name = placeholders.get(parameter);
      if (name === undefined)
        throw new Error(`BuiltOnce: a parameter of the statement is not one of ${this.names.join(', ')}`);
      return name;
    });
    return { sql, order };
  }
}
