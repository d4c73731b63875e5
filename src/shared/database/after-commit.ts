import { Logger } from '@nestjs/common';
import {
  EntityManager,
  EntitySubscriberInterface,
  EventSubscriber,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

type AfterCommitHook = () => void;
type BeforeCommitHook = () => Promise<void>;

const pendingHooks = new WeakMap<QueryRunner, AfterCommitHook[]>();
const pendingBeforeCommit = new WeakMap<QueryRunner, BeforeCommitHook[]>();
const logger = new Logger('AfterCommit');

/**
 * Runs `hook` once the transaction of `manager` has committed, or at once when `manager`
 * is not in a transaction. A service that joins its caller's transaction uses this for
 * side effects that must not happen for a rolled-back write (queue jobs, domain events),
 * whoever started the transaction. Hooks must not throw; one that does is logged.
 */
export function afterCommit(manager: EntityManager, hook: AfterCommitHook): void {
  const queryRunner = manager.queryRunner;
  if (!queryRunner?.isTransactionActive) {
    runHook(hook);
    return;
  }
  const hooks = pendingHooks.get(queryRunner) ?? [];
  hooks.push(hook);
  pendingHooks.set(queryRunner, hooks);
}

/**
 * Runs `hook` as the last statement work of the transaction of `manager`, just before its
 * COMMIT: for a writer that gathers what a transaction records (outbox events) and writes
 * it once, however many steps recorded some. A hook that fails rolls the transaction
 * back, as a failed statement would. Outside a transaction it throws: there is no commit
 * to run before.
 */
export function beforeCommit(manager: EntityManager, hook: BeforeCommitHook): void {
  const queryRunner = manager.queryRunner;
  if (!queryRunner?.isTransactionActive) throw new Error('beforeCommit needs a transaction');
  const hooks = pendingBeforeCommit.get(queryRunner) ?? [];
  hooks.push(hook);
  pendingBeforeCommit.set(queryRunner, hooks);
}

function runHook(hook: AfterCommitHook): void {
  try {
    hook();
  } catch (error) {
    logger.error({ err: error }, 'An after-commit hook failed');
  }
}

/**
 * Fires the hooks registered with beforeCommit and afterCommit. TypeORM announces the release of a
 * savepoint as a commit too, so hooks wait until the outermost transaction is over.
 */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    // A savepoint's release is announced as a commit too: its hooks then run inside the
    // outer transaction, which is still all or nothing; later ones register anew.
    const queryRunner = event.queryRunner;
    const hooks = pendingBeforeCommit.get(queryRunner);
    if (!hooks) return;
    pendingBeforeCommit.delete(queryRunner);
    for (const hook of hooks) await hook();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const queryRunner = event.queryRunner;
    if (queryRunner.isTransactionActive) return;
    const hooks = pendingHooks.get(queryRunner) ?? [];
    pendingHooks.delete(queryRunner);
    hooks.forEach(runHook);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    pendingHooks.delete(event.queryRunner);
    pendingBeforeCommit.delete(event.queryRunner);
  }
}
