import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** Why a URL cannot receive webhooks, or null when it can. */
export type UrlRefusal = string | null;

/**
 * Checks that a subscription's URL is one the relay may call: http(s), no credentials in
 * it, and (unless private networks are allowed) a host that is and resolves only to public
 * unicast addresses, so webhooks cannot be used to probe the network the service runs in.
 * The relay checks the address again when it connects (a name may resolve differently
 * later), through request-filtering-agent.
 */
export async function refusalOf(raw: string, allowPrivate: boolean): Promise<UrlRefusal> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be http or https';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  if (allowPrivate) return null;

  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(host)) return addressRefusal(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at this machine';
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `has a host name that does not resolve (${host})`;
  }
  for (const { address } of addresses) {
    const refusal = addressRefusal(address);
    if (refusal) return `resolves to ${address}, which ${refusal.replace(/^must not be/, 'is')}`;
  }
  return null;
}

function addressRefusal(address: string): UrlRefusal {
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : `must not be a ${describe(range)} address`;
}

function describe(range: string): string {
  switch (range) {
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'uniqueLocal':
      return 'private';
    case 'linkLocal':
      return 'link-local';
    default:
      return `non-public (${range})`;
  }
}
