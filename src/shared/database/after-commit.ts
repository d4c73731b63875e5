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

const pendingHooks = new WeakMap<QueryRunner, AfterCommitHook[]>();
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

function runHook(hook: AfterCommitHook): void {
  try {
    hook();
  } catch (error) {
    logger.error({ err: error }, 'An after-commit hook failed');
  }
}

/**
 * Fires the hooks registered with afterCommit. TypeORM announces the release of a
 * savepoint as a commit too, so hooks wait until the outermost transaction is over.
 */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const queryRunner = event.queryRunner;
    if (queryRunner.isTransactionActive) return;
    const hooks = pendingHooks.get(queryRunner) ?? [];
    pendingHooks.delete(queryRunner);
    hooks.forEach(runHook);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) pendingHooks.delete(event.queryRunner);
  }
}
