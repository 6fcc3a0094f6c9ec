// Login tokens and password hashes: what verifies, what does not.
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, DUMMY_HASH } from '../../../src/server/auth/passwords.js';
import { KnownSecret, sameSecret, TokenSigner } from '../../../src/server/auth/tokens.js';

const claims = { sub: 'u1', usr: 'ana', role: 'agent' as const, agt: 'a1', iat: 1_000, exp: 2_000 };

describe('login tokens', () => {
  const signer = new TokenSigner('a-secret-of-enough-length');

  it('verify with the same secret before they expire', () => {
    expect(signer.verify(signer.sign(claims), 1_999_000)).toEqual(claims);
  });

  it('do not verify once expired, with another secret, tampered, or malformed', () => {
    const token = signer.sign(claims);
    expect(signer.verify(token, 2_000_000)).toBeUndefined();
    expect(new TokenSigner('another-secret-of-length').verify(token, 1_500_000)).toBeUndefined();
    const [v, , mac] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expect(signer.verify(`${v}.${payload}.${mac}`, 1_500_000)).toBeUndefined();
    for (const bad of ['', 'v1', 'v1.x.y', 'v2.a.b', `v1.${Buffer.from('not json').toString('base64url')}.x`]) expect(signer.verify(bad, 1_500_000)).toBeUndefined();
  });

  it('compare secrets of different lengths without throwing', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  it('match a known secret only with the same text, of whatever length', () => {
    const known = new KnownSecret('admin-token-0123');
    expect(known.matches('admin-token-0123')).toBe(true);
    for (const other of ['', 'admin-token-012', 'admin-token-01234', 'Admin-token-0123', 'admin-token-0124']) expect(known.matches(other)).toBe(false);
  });
});

describe('password hashes', () => {
  it('verify the right password only, and differ for the same password (salted)', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong horse', a)).toBe(false);
    expect(await verifyPassword('anything', DUMMY_HASH)).toBe(false);
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
  });
});
