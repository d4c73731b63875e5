import { refusalOf } from './webhook-url';

describe('webhook URLs', () => {
  it.each([
    'https://93.184.215.14/hooks',
    'http://93.184.215.14:8080/hooks?shop=1',
    'https://[2606:2800:220:1:248:1893:25c8:1946]/hooks',
  ])('accepts %s, a public address', async (url) => {
    expect(await refusalOf(url, false)).toBeNull();
  });

  it.each([
    ['http://127.0.0.1/hooks', 'loopback'],
    ['http://127.8.9.10/hooks', 'loopback'],
    ['http://[::1]/hooks', 'loopback'],
    ['http://[::ffff:10.0.0.1]/hooks', 'private'],
    ['http://10.0.0.1/hooks', 'private'],
    ['http://172.31.255.255/hooks', 'private'],
    ['http://192.168.1.1/hooks', 'private'],
    ['http://[fc00::1]/hooks', 'private'],
    ['http://169.254.169.254/latest', 'link-local'],
    ['http://[fe80::abcd]/hooks', 'link-local'],
    ['http://100.64.0.1/hooks', 'carrierGradeNat'],
    ['http://224.0.0.1/hooks', 'multicast'],
    ['http://localhost:3000/hooks', 'this machine'],
    ['http://shop.localhost/hooks', 'this machine'],
    ['file:///etc/passwd', 'http or https'],
    ['gopher://93.184.215.14/', 'http or https'],
    ['https://admin:secret@93.184.215.14/', 'credentials'],
    ['https://93.184.215.14/#fragment', 'fragment'],
    ['/relative/path', 'absolute URL'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect(await refusalOf(url, false)).toContain(reason);
  });

  it('refuses a host name that does not resolve', async () => {
    expect(await refusalOf('https://no-such-host.invalid/hooks', false)).toContain('does not resolve');
  });

  it('allows private and loopback addresses when told to, but never another scheme or credentials', async () => {
    expect(await refusalOf('http://127.0.0.1:4000/hooks', true)).toBeNull();
    expect(await refusalOf('http://10.0.0.1/hooks', true)).toBeNull();
    expect(await refusalOf('ftp://127.0.0.1/hooks', true)).toContain('http or https');
    expect(await refusalOf('http://a:b@127.0.0.1/hooks', true)).toContain('credentials');
  });
});
