export { LifecycleLogger } from './lifecycle.logger';
export { MetricsServer } from './metrics.server';
export { OpsModule } from './ops.module';
export { outcomeOf } from './request-outcome';
export { CONSOLE_PATH, serveConsole } from './console-static';
