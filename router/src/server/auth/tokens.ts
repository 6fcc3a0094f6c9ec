// Stateless login tokens: "v1.<payload>.<HMAC-SHA256>" in base64url, so any node holding the
// shared secret verifies them and they survive restarts. The admin token is compared separately.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const tokenClaimsSchema = z.object({
  sub: z.string(),
  usr: z.string(),
  role: z.enum(ROLES),
  agt: z.string().optional(),
  iat: z.number(),
  exp: z.number(),
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

export class TokenSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(secret, 'utf8');
  }

  sign(claims: TokenClaims): string {
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `v1.${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The claims of a well-signed, unexpired token; undefined otherwise. */
  verify(token: string, now: number): TokenClaims | undefined {
    const [version, payload, signature] = token.split('.');
    if (version !== 'v1' || !payload || !signature) return undefined;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const claims = tokenClaimsSchema.safeParse(parsed);
    if (!claims.success || claims.data.exp * 1000 <= now) return undefined;
    return claims.data;
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(`v1.${payload}`).digest();
  }
}

const digest = (secret: string): Buffer => hash('sha256', secret, 'buffer');

/** Constant-time equality of two secrets of any length (compares their digests). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** A secret held for comparisons: its digest is computed once, each candidate's per call. */
export class KnownSecret {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = digest(secret);
  }

  /** Constant-time, whatever the candidate's length. */
  matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.digest);
  }
}
