import { JwtService } from '@nestjs/jwt';
import { Command, Option } from 'nest-commander';
import { CUSTOMER_TIERS, CustomerTier, isCustomerTier, TokenService } from '../shared/auth';
import { ExitCode, OpsCommand, UsageError } from './ops-command';

interface TokenOptions {
  sub?: string;
  tier: CustomerTier;
  admin: boolean;
  ttl: number;
}

/** Prints a bearer token signed with the JWT_SECRET the app uses, on stdout alone so `$(…)` captures it. */
@Command({ name: 'token', description: 'Print a bearer token signed with JWT_SECRET' })
export class TokenCommand extends OpsCommand {
  protected async execute(_params: string[], options: Record<string, unknown>): Promise<ExitCode> {
    const { sub, tier, admin, ttl } = options as unknown as TokenOptions;
    if (!sub) throw new UsageError('--sub is required');
    const tokens = new TokenService(new JwtService({ secret: this.env().jwtSecret }));
    console.log(tokens.issue({ sub, tier, admin, expiresInSeconds: ttl }));
    return ExitCode.OK;
  }

  @Option({ flags: '--sub <id>', description: 'the customer id (sub claim), 1-128 characters' })
  parseSub(value: string): string {
    if (value.length > 128) throw new UsageError('--sub takes at most 128 characters');
    return value;
  }

  @Option({
    flags: '--tier <tier>',
    description: `the customer tier: ${CUSTOMER_TIERS.join(', ')}`,
    defaultValue: 'STANDARD',
  })
  parseTier(value: string): CustomerTier {
    if (!isCustomerTier(value)) throw new UsageError(`--tier must be one of ${CUSTOMER_TIERS.join(', ')}`);
    return value;
  }

  @Option({ flags: '--admin', description: 'add the admin role', defaultValue: false })
  parseAdmin(): boolean {
    return true;
  }

  @Option({ flags: '--ttl <seconds>', description: 'lifetime in seconds', defaultValue: 3600 })
  parseTtl(value: string): number {
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError('--ttl must be a whole number of seconds');
    return seconds;
  }
}
