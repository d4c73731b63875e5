import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { CUSTOMER_TIERS, isCustomerTier, TokenService } from '../shared/auth';
import { validateEnv } from '../shared/config';

const USAGE = `usage: npm run token -- --sub <customer-id> [--tier ${CUSTOMER_TIERS.join('|')}] [--admin] [--ttl <seconds>]`;

/** `npm run token`: prints a bearer token signed with JWT_SECRET, for local use. */
function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      tier: { type: 'string', default: 'STANDARD' },
      admin: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const ttl = Number(values.ttl);
  if (!values.sub || !isCustomerTier(values.tier) || !Number.isInteger(ttl) || ttl < 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const env = validateEnv(process.env);
  const tokens = new TokenService(new JwtService({ secret: env.jwtSecret }));
  console.log(tokens.issue({ sub: values.sub, tier: values.tier, admin: values.admin, expiresInSeconds: ttl }));
}

main();
