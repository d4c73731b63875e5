import { createHook } from 'node:async_hooks';
import { inspect, types } from 'node:util';
import { TestEnvironment } from 'jest-environment-node';

/** The parts of jest-circus's events and state this environment reads. */
interface CircusEvent {
  name: string;
  error?: unknown;
  promise?: Promise<unknown>;
  test?: { errors: unknown[] };
}
interface CircusState {
  unhandledErrors: unknown[];
}

/**
 * The Node environment, plus: a promise rejection nobody handled fails the running test
 * (or, outside a test, the file) with the reason's whole stack. Jest fails it too, but
 * prints it with node_modules and node:internal frames cut away, which leaves nothing but
 * the message of an error raised by a library or a socket (`connect ECONNREFUSED
 * 127.0.0.1:1`). A listener in a setup file cannot do this: it would be added to the test
 * sandbox's copy of `process`, which Node never notifies; jest-circus listens on the real
 * one and hands each rejection to the environment as an event.
 *
 * With TEST_PROMISE_ORIGINS=1 the report also tells where the rejected promise was
 * created. That records a stack for every promise, so it is off by default.
 */
export default class FailOnUnhandledRejectionEnvironment extends TestEnvironment {
  private readonly unhandled = new Map<Promise<unknown>, string>();
  private readonly origins = new WeakMap<object, string>();
  private readonly promiseHook =
    process.env.TEST_PROMISE_ORIGINS === '1'
      ? createHook({
          init: (_asyncId, type, _triggerAsyncId, resource) => {
            if (type === 'PROMISE') this.origins.set(resource, callerFrames());
          },
        })
      : null;

  override async setup(): Promise<void> {
    await super.setup();
    this.promiseHook?.enable();
  }

  override async teardown(): Promise<void> {
    this.promiseHook?.disable();
    await super.teardown();
  }

  handleTestEvent(event: CircusEvent, state: CircusState): void {
    if (event.name === 'error' && event.promise) {
      this.unhandled.set(event.promise, this.report(event.error, event.promise));
    } else if (event.name === 'error_handled' && event.promise) {
      // Handled a turn of the event loop later: not lost after all.
      this.unhandled.delete(event.promise);
    } else if (event.name === 'test_done' && event.test) {
      this.takeFailure('during this test', (error) => event.test!.errors.push(error));
    } else if (event.name === 'run_finish') {
      this.takeFailure('in this file, outside its tests', (error) => state.unhandledErrors.push(error));
    }
  }

  private takeFailure(where: string, fail: (error: Error) => void): void {
    if (this.unhandled.size === 0) return;
    const reports = [...this.unhandled.values()];
    this.unhandled.clear();
    // The stack goes in the message: Jest filters the frames of a stack, never a message.
    const failure = new Error(`${reports.length} unhandled rejection(s) ${where}:\n\n${reports.join('\n\n')}`);
    failure.stack = failure.message;
    fail(failure);
  }

  private report(reason: unknown, promise: Promise<unknown>): string {
    // isNativeError, not instanceof: errors made in the test sandbox come from another realm.
    const stack = types.isNativeError(reason) ? inspect(reason) : `a reason that is not an Error: ${inspect(reason)}`;
    const origin = this.origins.get(promise);
    if (!origin) return `${stack}\n(TEST_PROMISE_ORIGINS=1 also shows where the rejected promise was created)`;
    return `${stack}\nThe rejected promise was created:\n${origin}`;
  }
}

/** The stack where this is called, without its "Error" line and the frames of this file. */
function callerFrames(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return lines.filter((line) => !line.includes(__filename)).join('\n');
}
