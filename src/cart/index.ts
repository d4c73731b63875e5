export { CartJobsModule } from './cart-jobs.module';
export { CART_ERRORS } from './cart.errors';
export { CartModule } from './cart.module';
export { CART_MAINTENANCE_QUEUE } from './cart-maintenance.queue';
