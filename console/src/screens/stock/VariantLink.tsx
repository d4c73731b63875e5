import { useLoad } from '../../hooks';
import { href } from '../../router';
import { loadVariant } from './stock-api';

/** A link to the variant's stock screen, named by its SKU once the catalog has answered. */
export function VariantLink({ variantId }: { variantId: number }) {
  const variant = useLoad(() => loadVariant(variantId), [variantId]);
  return <a href={href('stock', variantId)}>{variant.data?.sku ?? `Variant ${variantId}`}</a>;
}
