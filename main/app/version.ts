/** Kept in step with package.json by a test (main/app/host.test.ts). */
export const APP_VERSION = '0.1.0';
