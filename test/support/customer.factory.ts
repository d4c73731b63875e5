import { ADMIN_ROLE, CustomerTier, Principal } from '../../src/shared/auth';
import { ADMIN_SUB, Harness, unique } from './test-app';

/** A customer of the app under test, as every layer of tests sees it. */
export interface Customer {
  /** The customer id: the token's subject, a cart's customer_id, a reservation's owner_id. */
  sub: string;
  tier: CustomerTier;
  /** The Authorization header value of the customer's token. */
  auth: string;
  /** The customer as the services see it once the guard has read the token. */
  principal: Principal;
}

/** A customer no other test uses, or `sub` again with another tier (a second token of one customer). */
export function newCustomer(t: Pick<Harness, 'customer'>, tier: CustomerTier = 'STANDARD', sub = unique('customer')) {
  const customer: Customer = {
    sub,
    tier,
    auth: t.customer(sub, tier),
    principal: { customerId: sub, tier, roles: [], isAdmin: false },
  };
  return customer;
}

/** The tests' admin as the services see it: the subject and role of the admin token. */
export const ADMIN_PRINCIPAL: Principal = {
  customerId: ADMIN_SUB,
  tier: 'STANDARD',
  roles: [ADMIN_ROLE],
  isAdmin: true,
};
