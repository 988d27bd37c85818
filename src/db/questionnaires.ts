import type { Questionnaire } from '../domain/questionnaire/schema.js';
import { RESPONSES } from '../domain/results.js';
import type { StaleTexts } from '../domain/questionnaire/translations.js';
import type { Db } from './knex.js';

export type QuestionnaireStatus = 'draft' | 'open' | 'closed' | 'archived';

export interface PublishedQuestionnaire {
  id: string;
  slug: string;
  status: QuestionnaireStatus;
  /** Whether citizens see the results (see ResultsPublic). */
  resultsPublic: ResultsPublic;
  versionId: string;
  version: number;
  definition: Questionnaire;
}

interface Row {
  id: string;
  slug: string;
  status: QuestionnaireStatus;
  results_public: ResultsPublic;
  version_id: string;
  version: number;
  definition: Questionnaire;
}

const toHead = (row: Omit<Row, 'definition'>): Omit<PublishedQuestionnaire, 'definition'> => ({
  id: row.id,
  slug: row.slug,
  status: row.status,
  resultsPublic: row.results_public,
  versionId: row.version_id,
  version: row.version,
});

const toModel = (row: Row): PublishedQuestionnaire => ({
  ...toHead(row),
  definition: row.definition,
});

/**
 * The status a questionnaire has now: its stored status, moved on by its schedule (an open one
 * past its closing time is closed; a published draft past its opening time is open). Housekeeping
 * also stores these changes, but every read applies the schedule at once.
 */
const EFFECTIVE = `case
  when q.status = 'open' and q.closes_at <= now() then 'closed'
  when q.status = 'draft' and q.published_version_id is not null and q.opens_at <= now()
    and (q.closes_at is null or q.closes_at > now()) then 'open'
  else q.status end`;

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
  latest: {
    id: string;
    version: number;
    published: boolean;
    definition: Questionnaire;
    stale: StaleTexts;
  };
  responses: number;
  schedule: { opensAt: Date | null; closesAt: Date | null };
  results: ResultsSettings;
  /** When it closed (by hand or by its schedule); null while it has never closed or is open. */
  closedAt: Date | null;
  /** When retention deleted its row-level answers; null while they are kept. */
  answersDeletedAt: Date | null;
}

/** Whether citizens see the results: never, once the questionnaire has closed, or while it runs. */
export const RESULTS_PUBLIC = ['off', 'closed', 'live'] as const;
export type ResultsPublic = (typeof RESULTS_PUBLIC)[number];

export interface ResultsSettings {
  /** The disclosure-control threshold k (DESIGN.md §4.3): 10 by default, never below 5. */
  threshold: number;
  public: ResultsPublic;
  /** Days after closing until row-level answers are deleted; null keeps them. */
  retentionDays: number | null;
}

/** What reading results needs of a questionnaire: no counts, no definitions. */
export type QuestionnaireSummary = Pick<
  QuestionnaireOverview,
  | 'id'
  | 'slug'
  | 'country'
  | 'status'
  | 'publishedVersion'
  | 'schedule'
  | 'results'
  | 'closedAt'
  | 'answersDeletedAt'
>;

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
  stale: StaleTexts;
  responses: string;
  opens_at: Date | null;
  closes_at: Date | null;
  disclosure_threshold: number;
  results_public: ResultsPublic;
  retention_days: number | null;
  closed_at: Date | null;
  answers_deleted_at: Date | null;
}

const toOverview = (row: OverviewRow): QuestionnaireOverview => ({
  latest: {
    id: row.latest_id,
    version: row.latest_version,
    published: row.latest_published_at !== null,
    definition: row.definition,
    stale: row.stale,
  },
  responses: Number(row.responses),
  ...toSummary(row),
});

type SummaryRow = Pick<
  OverviewRow,
  | 'id'
  | 'slug'
  | 'country'
  | 'status'
  | 'published_version'
  | 'opens_at'
  | 'closes_at'
  | 'disclosure_threshold'
  | 'results_public'
  | 'retention_days'
  | 'closed_at'
  | 'answers_deleted_at'
>;

const SUMMARY_COLUMNS = [
  'q.opens_at',
  'q.closes_at',
  'q.disclosure_threshold',
  'q.results_public',
  'q.retention_days',
  'q.closed_at',
  'q.answers_deleted_at',
];

function toSummary(row: SummaryRow): QuestionnaireSummary {
  return {
    id: row.id,
    slug: row.slug,
    country: row.country,
    status: row.status,
    publishedVersion: row.published_version,
    schedule: { opensAt: row.opens_at, closesAt: row.closes_at },
    results: {
      threshold: row.disclosure_threshold,
      public: row.results_public,
      retentionDays: row.retention_days,
    },
    closedAt:
      row.status === 'closed' || row.status === 'archived'
        ? (row.closed_at ?? row.closes_at)
        : null,
    answersDeletedAt: row.answers_deleted_at,
  };
}

export function questionnaireRepository(db: Db) {
  // Status and published version by slug, for a second: citizen pages then need no query at all.
  // Changes made through this repository clear it; other processes see them within a second.
  const heads = new Map<string, { head: Head | undefined; until: number }>();

  /** A questionnaire joined with one of its versions: the published one unless said otherwise. */
  const withVersion = (columns: 'head' | 'full', join = 'q.published_version_id') =>
    db('questionnaires as q')
      .join('questionnaire_versions as v', 'v.questionnaire_id', 'q.id')
      .whereRaw(`v.id = ${join}`)
      .select(
        'q.id',
        'q.slug',
        db.raw(`${EFFECTIVE} as status`),
        'q.results_public',
        'v.id as version_id',
        'v.version',
      )
      .modify((query) => {
        if (columns === 'full') query.select('v.definition');
      });
  const published = () => withVersion('full');

  return {
    /**
     * The questionnaire's status and published version, without the definition: citizen pages
     * read this small row on every request and take the (immutable) definition from a cache.
     */
    async findPublishedHead(slug: string): Promise<Head | undefined> {
      const cached = heads.get(slug);
      if (cached && cached.until > Date.now()) return cached.head;
      const row = (await withVersion('head').where('q.slug', slug).first()) as
        Omit<Row, 'definition'> | undefined;
      const head = row && toHead(row);
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
      const row = (await withVersion('full', 'v.id').where('v.id', versionId).first()) as
        Row | undefined;
      return row && toModel(row);
    },

    /** Open questionnaires without their definitions (callers take those from a cache). */
    /** Questionnaires whose results citizens may see now, by slug. */
    async listPublicResultsHeads(): Promise<Head[]> {
      const rows = (await withVersion('head')
        .whereRaw(
          `((q.results_public = 'live' and ${EFFECTIVE} <> 'draft')
            or (q.results_public = 'closed' and ${EFFECTIVE} in ('closed', 'archived')))`,
        )
        .orderBy([{ column: 'q.slug' }, { column: 'q.id' }])) as Omit<Row, 'definition'>[];
      return rows.map(toHead);
    },

    async listOpenHeads(): Promise<Head[]> {
      const rows = (await withVersion('head')
        .whereRaw(`${EFFECTIVE} = 'open'`)
        .orderBy([{ column: 'q.slug' }, { column: 'q.id' }])) as Omit<Row, 'definition'>[];
      return rows.map(toHead);
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
        const { results_public: resultsPublic } = (await trx('questionnaires')
          .where('id', id)
          .first('results_public')) as { results_public: ResultsPublic };
        return {
          id,
          slug: definition.slug,
          status,
          resultsPublic,
          versionId: created!.id,
          version,
          definition,
        };
      });
    },

    /** Every published version's definition, oldest first: what answers were given to. */
    async publishedDefinitions(questionnaireId: string): Promise<Questionnaire[]> {
      const rows = (await db('questionnaire_versions')
        .where('questionnaire_id', questionnaireId)
        .whereNotNull('published_at')
        .orderBy('version')
        .select('definition')) as { definition: Questionnaire }[];
      return rows.map((r) => r.definition);
    },

    /** Overviews' small columns only: one index lookup, for pages read often (results). */
    async summaries(slug?: string): Promise<QuestionnaireSummary[]> {
      const query = db('questionnaires as q')
        .leftJoin('questionnaire_versions as p', 'p.id', 'q.published_version_id')
        .select('q.id', 'q.slug', 'q.country', db.raw(`${EFFECTIVE} as status`))
        .select('p.version as published_version', ...SUMMARY_COLUMNS)
        .orderBy([{ column: 'q.slug' }, { column: 'q.id' }]);
      if (slug !== undefined) query.where('q.slug', slug);
      return ((await query) as SummaryRow[]).map(toSummary);
    },

    async overviews(slug?: string): Promise<QuestionnaireOverview[]> {
      const query = db('questionnaires as q')
        .joinRaw(
          'join lateral (select id, version, published_at, definition, stale from questionnaire_versions v where v.questionnaire_id = q.id order by v.version desc limit 1) as l on true',
        )
        .leftJoin('questionnaire_versions as p', 'p.id', 'q.published_version_id')
        .select(
          'q.id',
          'q.slug',
          'q.country',
          db.raw(`${EFFECTIVE} as status`),
          'p.version as published_version',
          ...SUMMARY_COLUMNS,
        )
        .select(
          'l.id as latest_id',
          'l.version as latest_version',
          'l.published_at as latest_published_at',
          'l.definition',
          'l.stale',
        )
        .select(
          // Counted, minus withdrawals waiting, plus new ones waiting: index lookups instead of
          // counting every response, and still the number answered once retention has deleted them.
          db.raw(
            `(coalesce((select c.count from result_cells c
                     where c.questionnaire_id = q.id and c.dimension = '' and c.question_key = :responses
                       and c.item = '' and c.value = '' and c.group_value = ''), 0)
                   + coalesce((select sum(a.count) from result_adjustments a
                     where a.questionnaire_id = q.id and a.dimension = '' and a.question_key = :responses
                       and a.group_value = ''), 0)
                   + (select count(*) from responses_waiting w
                     where w.questionnaire_id = q.id)) as responses`,
            {
              responses: RESPONSES,
            },
          ),
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
      stale: StaleTexts = {},
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
            .update({ definition: JSON.stringify(definition), stale: JSON.stringify(stale) });
          return { id, version: latest.version, created };
        }
        const version = (latest?.version ?? 0) + 1;
        await trx('questionnaire_versions').insert({
          questionnaire_id: id,
          version,
          definition: JSON.stringify(definition),
          stale: JSON.stringify(stale),
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
          .first('v.id', 'v.version', 'q.id as questionnaire_id', 'q.status', 'q.opens_at')) as
          | {
              id: string;
              version: number;
              questionnaire_id: string;
              status: QuestionnaireStatus;
              opens_at: Date | null;
            }
          | undefined;
        if (!latest) return undefined;
        await trx('questionnaire_versions')
          .where('id', latest.id)
          .update({ published_at: trx.fn.now() });
        await trx('questionnaires')
          .where('id', latest.questionnaire_id)
          .update({
            published_version_id: latest.id,
            status:
              latest.status === 'draft' && !(latest.opens_at && latest.opens_at > new Date())
                ? 'open'
                : latest.status,
            updated_at: trx.fn.now(),
          });
        return latest.version;
      });
      heads.delete(slug);
      return version;
    },

    async setSchedule(slug: string, opensAt: Date | null, closesAt: Date | null): Promise<void> {
      heads.delete(slug);
      await db('questionnaires')
        .where('slug', slug)
        .update({ opens_at: opensAt, closes_at: closesAt, updated_at: db.fn.now() });
    },

    /** Stores the status changes that schedules have brought about (reads apply them anyway). */
    async applySchedules(): Promise<number> {
      const closed = await db('questionnaires')
        .where('status', 'open')
        .andWhere('closes_at', '<=', db.fn.now())
        .update({ status: 'closed', closed_at: db.raw('closes_at'), updated_at: db.fn.now() });
      const opened = await db('questionnaires')
        .where('status', 'draft')
        .whereNotNull('published_version_id')
        .andWhere('opens_at', '<=', db.fn.now())
        .andWhere((q) => q.whereNull('closes_at').orWhere('closes_at', '>', db.fn.now()))
        .update({ status: 'open', updated_at: db.fn.now() });
      heads.clear();
      return closed + opened;
    },

    async setStatus(slug: string, status: QuestionnaireStatus): Promise<boolean> {
      heads.delete(slug);
      const closedAt =
        status === 'open' ? null : status === 'closed' ? db.fn.now() : db.raw('closed_at');
      const changed = await db('questionnaires')
        .where('slug', slug)
        .update({ status, closed_at: closedAt, updated_at: db.fn.now() });
      return changed > 0;
    },

    /** Retention has deleted the row-level answers, unless some are left (then it runs again). */
    async markAnswersDeleted(questionnaireId: string): Promise<void> {
      await db('questionnaires')
        .where('id', questionnaireId)
        .whereNotExists(
          db('responses').where('questionnaire_id', questionnaireId).select(db.raw('1')),
        )
        .update({ answers_deleted_at: db.fn.now() });
    },

    async setResultsSettings(slug: string, settings: ResultsSettings): Promise<void> {
      heads.delete(slug);
      await db('questionnaires').where('slug', slug).update({
        disclosure_threshold: settings.threshold,
        results_public: settings.public,
        retention_days: settings.retentionDays,
        updated_at: db.fn.now(),
      });
    },
  };
}

export type QuestionnaireRepository = ReturnType<typeof questionnaireRepository>;
