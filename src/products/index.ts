export { CatalogService } from './catalog.service';
export type { VariantView } from './variant.repository';
export type { CatalogCacheStats } from './catalog.cache';
export { ProductsModule } from './products.module';
export { PRODUCTS_ERRORS, VariantNotFoundError } from './products.errors';
export type { VariantAttributes } from './variant.entity';
export { CATALOG_EVENTS } from './catalog-events';
