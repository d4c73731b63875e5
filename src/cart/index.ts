export { CartJobsModule } from './cart-maintenance.processor';
export { CART_ERRORS } from './cart.errors';
export { CartModule } from './cart.module';
export { CART_MAINTENANCE_QUEUE } from './cart-maintenance.queue';
