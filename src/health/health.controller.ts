import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../shared/auth';
import { PostgresHealthIndicator } from './postgres.health';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  checkLiveness() {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and Redis answer',
    description:
      'Each check opens a connection of its own, so a busy pool or a locked row never reads as a dependency ' +
      'that is down. 503 (with Retry-After) when PostgreSQL or Redis does not answer within a second.',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer' })
  checkReadiness() {
    return this.health.check([() => this.database.isHealthy('postgres'), () => this.redis.isHealthy('redis')]);
  }
}
