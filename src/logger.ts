import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured logs. Nothing personal is ever passed in: no IP, user agent, answers or codes. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'consulta' }, redact: ['req.headers', 'headers', 'ip'] });
}
