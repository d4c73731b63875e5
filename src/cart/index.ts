export { CART_ERRORS } from './cart.errors';
export { CartModule } from './cart.module';
