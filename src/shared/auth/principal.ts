export const CUSTOMER_TIERS = ['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];
export const ADMIN_ROLE = 'admin';

/** Who is calling, read from a verified token. */
export interface Principal {
  /** The customer id (`sub`). */
  customerId: string;
  tier: CustomerTier;
  roles: string[];
  isAdmin: boolean;
}

export function isCustomerTier(value: unknown): value is CustomerTier {
  return typeof value === 'string' && (CUSTOMER_TIERS as readonly string[]).includes(value);
}
