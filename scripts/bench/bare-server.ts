/**
 * The ceilings of `npm run bench`, run as a process of their own (so they do not share the
 * bench's CPU), each a bare Express app on 127.0.0.1:PORT:
 *   hello   GET / answers "Hello World!";
 *   insert  POST / (a small form) inserts one row into `bench_inserts` through a pg.Pool of
 *           POOL_MAX connections, as many as the app's pool, and answers 201.
 * Both answer GET /healthz, for the bench to know they are ready.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';

export const INSERT_TABLE = 'bench_inserts';

/** A row the size of a stored response's own row: ids, language, ISO week, record key. */
export const CREATE_INSERT_TABLE = `create table if not exists ${INSERT_TABLE} (
  id uuid primary key,
  questionnaire_id integer not null,
  language text not null,
  iso_week text not null,
  record_key double precision not null,
  answer text not null
)`;

/** The form each POST of the insert ceiling sends. */
export const INSERT_FORM = 'language=en&answer=somewhat_familiar';

function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
  const firstDay = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - firstDay) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function helloApp(): express.Express {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  app.get('/', (_req, res) => {
    res.send('Hello World!');
  });
  return app;
}

function insertApp(databaseUrl: string, poolMax: number): express.Express {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  app.post('/', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const form = req.body as Record<string, unknown>;
    await pool.query(
      `insert into ${INSERT_TABLE} (id, questionnaire_id, language, iso_week, record_key, answer)
       values ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), 1, String(form.language), isoWeek(new Date()), Math.random(), form.answer],
    );
    res.status(201).send('stored');
  });
  return app;
}

function main(): void {
  const [mode] = process.argv.slice(2);
  const port = Number(process.env.PORT);
  const app =
    mode === 'insert'
      ? insertApp(String(process.env.DATABASE_URL), Number(process.env.POOL_MAX ?? 10))
      : helloApp();
  app.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
