import type { Db } from './knex.js';

export interface AuditEntry {
  id: number;
  at: Date;
  actorEmail: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function auditRepository(db: Db) {
  return {
    async record(entry: {
      actorId?: string | undefined;
      actorEmail?: string | undefined;
      action: string;
      target?: string | undefined;
      details?: Record<string, unknown>;
    }): Promise<void> {
      await db('audit_log').insert({
        actor_id: entry.actorId ?? null,
        actor_email: entry.actorEmail ?? null,
        action: entry.action,
        target: entry.target ?? null,
        details: JSON.stringify(entry.details ?? {}),
      });
    },

    async list(filter: AuditFilter, limit = 200): Promise<AuditEntry[]> {
      const query = db('audit_log')
        .select('id', 'at', 'actor_email', 'action', 'target', 'details')
        .orderBy([
          { column: 'at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      if (filter.action) query.where('action', filter.action);
      if (filter.actor)
        query.whereILike('actor_email', `%${filter.actor.replace(/[%_\\]/g, '\\$&')}%`);
      if (filter.from) query.where('at', '>=', filter.from);
      if (filter.to) query.where('at', '<', db.raw("?::date + interval '1 day'", [filter.to]));
      const rows = (await query) as {
        id: string;
        at: Date;
        actor_email: string | null;
        action: string;
        target: string | null;
        details: Record<string, unknown>;
      }[];
      return rows.map((r) => ({
        id: Number(r.id),
        at: r.at,
        actorEmail: r.actor_email,
        action: r.action,
        target: r.target,
        details: r.details,
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
