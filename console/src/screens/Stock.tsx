export function StockScreen() {
  return <h1>Stock</h1>;
}
