export * from './auth.decorators';
export * from './auth.module';
export * from './principal';
export * from './token.service';
