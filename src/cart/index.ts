export { CartJobsModule } from './cart-jobs.module';
export { CartModule } from './cart.module';
export { CART_MAINTENANCE_QUEUE } from './cart-maintenance.queue';
