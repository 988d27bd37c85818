import type { AppSettings } from '../../src/deps.js';

export const TEMPLATE_DATABASE = 'consulta_template';

export function testSettings(overrides: Partial<AppSettings> = {}): AppSettings {
  return {
    secret: 'test-secret-test-secret-test-secret-0123',
    secureCookies: false,
    trustProxy: 1,
    production: false,
    viewCache: true,
    rateLimits: { postsPerMinute: 10_000, submitsPer10Minutes: 10_000 },
    ...overrides,
  };
}
