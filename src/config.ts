import { z } from 'zod';

const PROCESSES = 'must be a whole number of processes from 1 to 64';

const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every setting of the app, read from the environment once. Nothing else reads process.env. */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    BASE_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    SEED_DEMO: boolean.default(true),
    DRAFT_TTL_HOURS: z.coerce.number().int().min(1).max(24).default(24),
    RATE_LIMIT_POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    RATE_LIMIT_SUBMITS_PER_10_MINUTES: z.coerce.number().int().min(1).default(60),
    // How many processes serve HTTP (node:cluster); 1 keeps everything in one process.
    WEB_CONCURRENCY: z.coerce
      .number({ error: PROCESSES })
      .int(PROCESSES)
      .min(1, PROCESSES)
      .max(64, PROCESSES)
      .default(1),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'is required in production',
      });
    }
  });

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad setting stops start-up with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`PORT=`) means "not set", as in most twelve-factor apps.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
