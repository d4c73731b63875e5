import { useEffect, useState } from 'react';

/** The screen and its parameters, from the URL's hash: `#/stock/12` → ['stock', '12']. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export const href = (...parts: (string | number)[]): string =>
  `#/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;

export function navigate(...parts: (string | number)[]): void {
  window.location.hash = href(...parts);
}
