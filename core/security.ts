/**
 * The renderer's Content Security Policy, one string for both shells: the Electron window
 * (main/electron/policy.ts) and the web shell (main/web/security.ts). Scripts only from our own
 * files, no eval, no plugins, no framing; inline styles stay allowed for ag-grid's themes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
