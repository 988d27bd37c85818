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

    /** Every questionnaire with its published version and number of responses. */
    async listWithCounts(): Promise<
      (PublishedQuestionnaire & { country: string; responses: number })[]
    > {
      const rows = (await published()
        .select('q.country')
        .select(
          db.raw('(select count(*) from responses r where r.questionnaire_id = q.id) as responses'),
        )
        .orderBy([{ column: 'q.slug' }, { column: 'q.id' }])) as (Row & {
        country: string;
        responses: string;
      })[];
      return rows.map((row) => ({
        ...toModel(row),
        country: row.country,
        responses: Number(row.responses),
      }));
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
