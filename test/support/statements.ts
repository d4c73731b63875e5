import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';

/** The statements one piece of work sent to PostgreSQL, in order, as the driver sent them. */
export interface SentStatements {
  texts: string[];
  /** Each statement's beginning, spaces collapsed (e.g. "SELECT pg_advisory_xact_lock($1, hashtext($2))"). */
  summary: string[];
}

/** A recording: open until the work it watches has settled. */
interface Recording {
  texts: string[];
  open: boolean;
}

const recording = new AsyncLocalStorage<Recording>();
let installed = false;

/**
 * Runs `work` and returns what it sent to PostgreSQL: every `query` of node-postgres made
 * from inside `work`'s asynchronous context (nothing the app's background jobs send at
 * the same time, nor what its after-commit hooks start once it has settled). The driver
 * is observed, not replaced: the statements run as always.
 */
export async function statementsSentBy<T>(work: () => Promise<T>): Promise<{ result: T; sent: SentStatements }> {
  installRecorder();
  const current: Recording = { texts: [], open: true };
  try {
    const result = await recording.run(current, work);
    return { result, sent: { texts: current.texts, summary: current.texts.map(summaryOf) } };
  } finally {
    current.open = false;
  }
}

function installRecorder(): void {
  if (installed) return;
  installed = true;
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  Client.prototype.query = function recordedQuery(this: Client, ...args: unknown[]) {
    const current = recording.getStore();
    if (current?.open) current.texts.push(textOf(args[0]));
    return query.apply(this, args);
  } as typeof Client.prototype.query;
}

function textOf(config: unknown): string {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : String(config);
}

/** The statement's beginning, enough to tell statements apart in a failure message. */
function summaryOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 100);
}
