import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { Env } from '../config';
import { AuthGuard } from './auth.guard';
import { JWT_ALGORITHM, TokenService } from './token.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>) => {
        const secret: string = config.get('jwtSecret', { infer: true });
        return {
          // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails)
          // to parse it as a PEM public key on every verify, which every request with a token pays.
          secret: createSecretKey(Buffer.from(secret, 'utf8')),
          signOptions: { algorithm: JWT_ALGORITHM },
          verifyOptions: { algorithms: [JWT_ALGORITHM] },
        };
      },
    }),
  ],
  providers: [TokenService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService],
})
export class AuthModule {}
