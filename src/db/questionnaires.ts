import type { Questionnaire } from '../domain/questionnaire/schema.js';
import type { Db } from './knex.js';

export type QuestionnaireStatus = 'draft' | 'open' | 'closed' | 'archived';

export interface PublishedQuestionnaire {
  id: string;
  slug: string;
  status: QuestionnaireStatus;
  versionId: string;
  version: number;
  definition: Questionnaire;
}

interface Row {
  id: string;
  slug: string;
  status: QuestionnaireStatus;
  version_id: string;
  version: number;
  definition: Questionnaire;
}

const toModel = (row: Row): PublishedQuestionnaire => ({
  id: row.id,
  slug: row.slug,
  status: row.status,
  versionId: row.version_id,
  version: row.version,
  definition: row.definition,
});

/** How long a citizen-facing process may serve a questionnaire's status without asking again. */
const HEAD_TTL_MS = 1000;

type Head = Omit<PublishedQuestionnaire, 'definition'>;

/** A questionnaire as coordinators see it: its newest version (maybe a draft) and its published one. */
export interface QuestionnaireOverview {
  id: string;
  slug: string;
  country: string;
  status: QuestionnaireStatus;
  publishedVersion: number | null;
  latest: { id: string; version: number; published: boolean; definition: Questionnaire };
  responses: number;
}

interface OverviewRow {
  id: string;
  slug: string;
  country: string;
  status: QuestionnaireStatus;
  published_version: number | null;
  latest_id: string;
  latest_version: number;
  latest_published_at: Date | null;
  definition: Questionnaire;
  responses: string;
}

const toOverview = (row: OverviewRow): QuestionnaireOverview => ({
  id: row.id,
  slug: row.slug,
  country: row.country,
  status: row.status,
  publishedVersion: row.published_version,
  latest: {
    id: row.latest_id,
    version: row.latest_version,
    published: row.latest_published_at !== null,
    definition: row.definition,
  },
  responses: Number(row.responses),
});

export function questionnaireRepository(db: Db) {
  // Status and published version by slug, for a second: citizen pages then need no query at all.
  // Changes made through this repository clear it; other processes see them within a second.
  const heads = new Map<string, { head: Head | undefined; until: number }>();

  const published = () =>
    db('questionnaires as q')
      .join('questionnaire_versions as v', 'v.id', 'q.published_version_id')
      .select('q.id', 'q.slug', 'q.status', 'v.id as version_id', 'v.version', 'v.definition');

  return {
    /**
     * The questionnaire's status and published version, without the definition: citizen pages
     * read this small row on every request and take the (immutable) definition from a cache.
     */
    async findPublishedHead(slug: string): Promise<Head | undefined> {
      const cached = heads.get(slug);
      if (cached && cached.until > Date.now()) return cached.head;
      const row = (await db('questionnaires as q')
        .join('questionnaire_versions as v', 'v.id', 'q.published_version_id')
        .select('q.id', 'q.slug', 'q.status', 'v.id as version_id', 'v.version')
        .where('q.slug', slug)
        .first()) as Omit<Row, 'definition'> | undefined;
      const head = row && {
        id: row.id,
        slug: row.slug,
        status: row.status,
        versionId: row.version_id,
        version: row.version,
      };
      if (heads.size > 10_000) heads.clear();
      heads.set(slug, { head, until: Date.now() + HEAD_TTL_MS });
      return head;
    },

    /** The version citizens answer, whatever the questionnaire's status. */
    async findPublished(slug: string): Promise<PublishedQuestionnaire | undefined> {
      const row = (await published().where('q.slug', slug).first()) as Row | undefined;
      return row && toModel(row);
    },

    async findVersion(versionId: string): Promise<PublishedQuestionnaire | undefined> {
      const row = (await db('questionnaire_versions as v')
        .join('questionnaires as q', 'q.id', 'v.questionnaire_id')
        .select('q.id', 'q.slug', 'q.status', 'v.id as version_id', 'v.version', 'v.definition')
        .where('v.id', versionId)
        .first()) as Row | undefined;
      return row && toModel(row);
    },

    async listOpen(): Promise<PublishedQuestionnaire[]> {
      const rows = (await published()
        .where('q.status', 'open')
        .orderBy([{ column: 'q.slug' }, { column: 'q.id' }])) as Row[];
      return rows.map(toModel);
    },

    /**
     * Stores a definition as the next version of its questionnaire (created if new) and
     * publishes it with the given status. Earlier versions stay, so answers keep their version.
     */
    async publishVersion(
      definition: Questionnaire,
      status: QuestionnaireStatus,
    ): Promise<PublishedQuestionnaire> {
      return db.transaction(async (trx) => {
        let questionnaire = (await trx('questionnaires')
          .where('slug', definition.slug)
          .forUpdate()
          .first()) as { id: string } | undefined;
        if (!questionnaire) {
          [questionnaire] = (await trx('questionnaires')
            .insert({ slug: definition.slug, country: definition.country, status })
            .returning('id')) as { id: string }[];
        }
        const id = (questionnaire as { id: string }).id;
        const last = (await trx('questionnaire_versions')
          .where('questionnaire_id', id)
          .max('version as max')
          .first()) as { max: number | null } | undefined;
        const version = (last?.max ?? 0) + 1;
        const [created] = (await trx('questionnaire_versions')
          .insert({
            questionnaire_id: id,
            version,
            definition: JSON.stringify(definition),
            published_at: trx.fn.now(),
          })
          .returning('id')) as { id: string }[];
        await trx('questionnaires').where('id', id).update({
          published_version_id: created!.id,
          status,
          country: definition.country,
          updated_at: trx.fn.now(),
        });
        heads.delete(definition.slug);
        return { id, slug: definition.slug, status, versionId: created!.id, version, definition };
      });
    },

    async overviews(slug?: string): Promise<QuestionnaireOverview[]> {
      const query = db('questionnaires as q')
        .joinRaw(
          'join lateral (select id, version, published_at, definition from questionnaire_versions v where v.questionnaire_id = q.id order by v.version desc limit 1) as l on true',
        )
        .leftJoin('questionnaire_versions as p', 'p.id', 'q.published_version_id')
        .select('q.id', 'q.slug', 'q.country', 'q.status', 'p.version as published_version')
        .select(
          'l.id as latest_id',
          'l.version as latest_version',
          'l.published_at as latest_published_at',
          'l.definition',
        )
        .select(
          db.raw('(select count(*) from responses r where r.questionnaire_id = q.id) as responses'),
        )
        .orderBy([{ column: 'q.slug' }, { column: 'q.id' }]);
      if (slug !== undefined) query.where('q.slug', slug);
      return ((await query) as OverviewRow[]).map(toOverview);
    },

    /**
     * Saves a definition as the working draft: the newest version while it is unpublished,
     * otherwise a new version. A new slug creates a questionnaire in status draft.
     */
    async saveDraft(
      definition: Questionnaire,
    ): Promise<{ id: string; version: number; created: boolean }> {
      return db.transaction(async (trx) => {
        let questionnaire = (await trx('questionnaires')
          .where('slug', definition.slug)
          .forUpdate()
          .first()) as { id: string } | undefined;
        const created = !questionnaire;
        if (!questionnaire) {
          [questionnaire] = (await trx('questionnaires')
            .insert({ slug: definition.slug, country: definition.country, status: 'draft' })
            .returning('id')) as { id: string }[];
        }
        const id = (questionnaire as { id: string }).id;
        const latest = (await trx('questionnaire_versions')
          .where('questionnaire_id', id)
          .orderBy('version', 'desc')
          .first('id', 'version', 'published_at')) as
          { id: string; version: number; published_at: Date | null } | undefined;
        await trx('questionnaires')
          .where('id', id)
          .update({ country: definition.country, updated_at: trx.fn.now() });
        if (latest && latest.published_at === null) {
          await trx('questionnaire_versions')
            .where('id', latest.id)
            .update({ definition: JSON.stringify(definition) });
          return { id, version: latest.version, created };
        }
        const version = (latest?.version ?? 0) + 1;
        await trx('questionnaire_versions').insert({
          questionnaire_id: id,
          version,
          definition: JSON.stringify(definition),
        });
        return { id, version, created };
      });
    },

    /** Publishes the newest version: it is frozen, and citizens who start from now on get it. */
    async publishLatest(slug: string): Promise<number | undefined> {
      const version = await db.transaction(async (trx) => {
        const latest = (await trx('questionnaire_versions as v')
          .join('questionnaires as q', 'q.id', 'v.questionnaire_id')
          .where('q.slug', slug)
          .whereNull('v.published_at')
          .orderBy('v.version', 'desc')
          .first('v.id', 'v.version', 'q.id as questionnaire_id', 'q.status')) as
          | { id: string; version: number; questionnaire_id: string; status: QuestionnaireStatus }
          | undefined;
        if (!latest) return undefined;
        await trx('questionnaire_versions')
          .where('id', latest.id)
          .update({ published_at: trx.fn.now() });
        await trx('questionnaires')
          .where('id', latest.questionnaire_id)
          .update({
            published_version_id: latest.id,
            status: latest.status === 'draft' ? 'open' : latest.status,
            updated_at: trx.fn.now(),
          });
        return latest.version;
      });
      heads.delete(slug);
      return version;
    },

    async setStatus(slug: string, status: QuestionnaireStatus): Promise<boolean> {
      heads.delete(slug);
      const changed = await db('questionnaires')
        .where('slug', slug)
        .update({ status, updated_at: db.fn.now() });
      return changed > 0;
    },
  };
}

export type QuestionnaireRepository = ReturnType<typeof questionnaireRepository>;
