export function VariantScreen({ variantId }: { variantId: number }) {
  return <h1>Variant {variantId}</h1>;
}
