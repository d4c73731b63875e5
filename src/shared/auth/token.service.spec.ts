import { JwtService } from '@nestjs/jwt';
import { TokenService } from './token.service';

const SECRET = 'unit-test-secret-of-at-least-32-characters';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe(TokenService.name, () => {
  const jwt = new JwtService({ secret: SECRET });
  const sut = new TokenService(jwt);
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('reads the customer, tier and roles of a token it issued', async () => {
    const principal = await sut.verify(sut.issue({ sub: 'alice', tier: 'GOLD' }));

    expect(principal).toEqual({ customerId: 'alice', tier: 'GOLD', roles: [], isAdmin: false });
  });

  it('recognises an admin', async () => {
    expect((await sut.verify(sut.issue({ sub: 'ops', admin: true }))).isAdmin).toBe(true);
  });

  it('defaults the tier to STANDARD', async () => {
    const token = jwt.sign({ sub: 'bob', exp: inAnHour() });

    expect((await sut.verify(token)).tier).toBe('STANDARD');
  });

  it.each([
    [
      'signed with another secret',
      () => new JwtService({ secret: `${SECRET}-other` }).sign({ sub: 'x' }, { expiresIn: 60 }),
    ],
    ['expired', () => jwt.sign({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 10 })],
    ['signed with HS512', () => jwt.sign({ sub: 'x' }, { algorithm: 'HS512', expiresIn: 60 })],
    [
      'unsigned (alg none)',
      () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', exp: inAnHour() })}.`,
    ],
    ['without exp', () => jwt.sign({ sub: 'x' })],
    ['without sub', () => jwt.sign({ exp: inAnHour() })],
    ['with an unknown tier', () => jwt.sign({ sub: 'x', tier: 'DIAMOND', exp: inAnHour() })],
    ['with roles that are not strings', () => jwt.sign({ sub: 'x', roles: [1], exp: inAnHour() })],
    ['garbage', () => 'not.a.token'],
  ])('refuses a token %s', async (_case, makeToken) => {
    await expect(sut.verify(makeToken())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
