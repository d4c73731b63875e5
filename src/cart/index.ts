export { CartModule } from './cart.module';
export { CART_MAINTENANCE_QUEUE } from './cart-maintenance.queue';
