import { timingSafeEqual } from 'node:crypto';
import { CONTENT_SECURITY_POLICY } from '../../core/security.ts';

export { CONTENT_SECURITY_POLICY };

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Compares bearer tokens in constant time. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Only our own origin may call the API: a page on another site (or a DNS-rebinding name that
 * resolves to 127.0.0.1) sends a different Host or Origin and is refused.
 */
export function isLocalRequest(host: string | undefined, origin: string | undefined, port: number): boolean {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!host || !allowedHosts.includes(host)) return false;
  if (origin === undefined) return true;
  return allowedHosts.some((h) => origin === `http://${h}`);
}
