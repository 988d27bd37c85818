import type { Account } from '../db/accounts.js';
import type { AuditRepository } from '../db/audit.js';
import type {
  QuestionnaireRepository,
  QuestionnaireStatus,
  ResultsPublic,
} from '../db/questionnaires.js';
import { MIN_THRESHOLD } from '../domain/disclosure/index.js';
import {
  applyTranslations,
  staleAfterEdit,
  textLocations,
  translationReport,
  type TranslationEntry,
} from '../domain/questionnaire/translations.js';
import { resolveText } from '../domain/questionnaire/text.js';
import type { LanguageCode } from '../domain/languages.js';
import type { Questionnaire } from '../domain/questionnaire/schema.js';
import { validateQuestionnaire, type DefinitionError } from '../domain/questionnaire/validate.js';
import { BadInputError, NotFoundError } from './errors.js';

/** A signed-in account may not do this (the web layer answers 403). */
export class ForbiddenError extends Error {
  readonly status = 403;
}

/** Administrators see every country; coordinators and analysts only their own. */
export function canSee(account: Account, country: string): boolean {
  return account.role === 'admin' || account.countries.includes(country);
}

/** Analysts read results; only coordinators and administrators change questionnaires. */
export function mayEdit(account: Account): void {
  if (account.role === 'analyst') throw new ForbiddenError('analysts cannot change questionnaires');
}

/** Another country's questionnaire is "not found", so its existence is not revealed either. */
export async function visibleOverview(
  questionnaires: QuestionnaireRepository,
  account: Account,
  slug: string,
) {
  const [found] = await questionnaires.overviews(slug);
  if (!found || !canSee(account, found.country)) throw new NotFoundError(slug);
  return found;
}

/** visibleOverview's rule on the small summary row, for pages read often (results). */
export async function visibleSummary(
  questionnaires: QuestionnaireRepository,
  account: Account,
  slug: string,
) {
  const [found] = await questionnaires.summaries(slug);
  if (!found || !canSee(account, found.country)) throw new NotFoundError(slug);
  return found;
}

const TRANSITIONS: Record<QuestionnaireStatus, QuestionnaireStatus[]> = {
  draft: ['open'],
  open: ['closed'],
  closed: ['open', 'archived'],
  archived: [],
};

/** Bounds of the per-questionnaire settings (the database checks them too). */
export const MAX_THRESHOLD = 1000;
export const MAX_RETENTION_DAYS = 36_500;

/** Addresses under /admin/questionnaires/ that pages of the coordinator area use. */
const RESERVED_SLUGS = new Set(['new', 'import', 'import-xlsform']);

export type SaveResult =
  { ok: true; slug: string; version: number } | { ok: false; errors: DefinitionError[] };

/** What coordinators and analysts do with questionnaires, scoped to their countries. */
export function coordinationService(deps: {
  questionnaires: QuestionnaireRepository;
  audit: AuditRepository;
}) {
  const overview = (account: Account, slug: string) =>
    visibleOverview(deps.questionnaires, account, slug);

  const record = (
    account: Account,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
  ) =>
    deps.audit.record({ actorId: account.id, actorEmail: account.email, action, target, details });

  const taken = (slug: string): DefinitionError[] => [
    {
      path: '$.slug',
      message: `"${slug}" is already used by another questionnaire`,
      code: 'slugTaken',
    },
  ];

  /** A new questionnaire must not take an address that is already taken. */
  async function slugTaken(slug: unknown): Promise<SaveResult | undefined> {
    if (typeof slug !== 'string' || (await deps.questionnaires.overviews(slug)).length === 0)
      return undefined;
    return { ok: false, errors: taken(slug) };
  }

  /** Validates (translations may be incomplete) and saves a definition as the working draft. */
  async function saveDraft(
    account: Account,
    input: unknown,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<SaveResult> {
    mayEdit(account);
    const result = validateQuestionnaire(input, { draft: true });
    if (!result.ok) return result;
    const doc = result.questionnaire;
    if (!canSee(account, doc.country)) {
      return {
        ok: false,
        errors: [
          {
            path: '$.country',
            message: `your account may not manage questionnaires of ${doc.country}`,
            code: 'countryNotAllowed',
          },
        ],
      };
    }
    const [existing] = await deps.questionnaires.overviews(doc.slug);
    if (existing && !canSee(account, existing.country))
      return { ok: false, errors: taken(doc.slug) };
    if (!existing && RESERVED_SLUGS.has(doc.slug))
      return {
        ok: false,
        errors: [
          {
            path: '$.slug',
            message: `"${doc.slug}" names a page of the coordinator area`,
            code: 'slugReserved',
          },
        ],
      };
    const stale = staleAfterEdit(existing?.latest.definition, existing?.latest.stale ?? {}, doc);
    const saved = await deps.questionnaires.saveDraft(doc, stale);
    await record(account, action, doc.slug, { ...details, version: saved.version });
    return { ok: true, slug: doc.slug, version: saved.version };
  }

  return {
    async list(account: Account) {
      return (await deps.questionnaires.overviews()).filter((q) => canSee(account, q.country));
    },

    async get(account: Account, slug: string) {
      const found = await overview(account, slug);
      const next = TRANSITIONS[found.status].filter(
        (s) => s !== 'open' || found.publishedVersion !== null,
      );
      return {
        ...found,
        next,
        translations: translationReport(found.latest.definition, found.latest.stale),
      };
    },

    /** A new questionnaire, saved as a draft that may not have any section yet. */
    async create(account: Account, input: unknown): Promise<SaveResult> {
      return (
        (await slugTaken((input as { slug?: unknown }).slug)) ??
        saveDraft(account, input, 'questionnaire-create')
      );
    },

    /**
     * One change made in the builder, applied to the newest version and saved as the working
     * draft once it passes the same checks as an import.
     */
    async edit(
      account: Account,
      slug: string,
      change: (doc: Questionnaire) => Questionnaire,
      details: Record<string, unknown>,
    ): Promise<SaveResult> {
      mayEdit(account);
      const found = await overview(account, slug);
      const next = change(found.latest.definition);
      if (next.slug !== slug)
        throw new BadInputError('the slug of a questionnaire does not change');
      return saveDraft(account, next, 'questionnaire-edit', details);
    },

    /** `details` describe the source for the audit log (e.g. the format of a converted file). */
    importDraft: (account: Account, input: unknown, details: Record<string, unknown> = {}) =>
      saveDraft(account, input, 'questionnaire-import', details),

    async duplicate(account: Account, slug: string, newSlug: string): Promise<SaveResult> {
      const source = await overview(account, slug);
      const refused = await slugTaken(newSlug);
      if (refused) return refused;
      return saveDraft(
        account,
        { ...source.latest.definition, slug: newSlug },
        'questionnaire-duplicate',
      );
    },

    /** Publishes the working draft once every text exists in every language. */
    async publish(account: Account, slug: string): Promise<SaveResult> {
      mayEdit(account);
      const found = await overview(account, slug);
      if (found.latest.published) throw new BadInputError('nothing to publish');
      const check = validateQuestionnaire(found.latest.definition);
      if (!check.ok) return check;
      const stale = translationReport(found.latest.definition, found.latest.stale).flatMap((l) =>
        l.stale.map((path) => ({
          path,
          message: `the ${l.lang} translation is older than its source text`,
          code: 'staleTranslation',
          vars: { language: l.lang },
        })),
      );
      if (stale.length > 0) return { ok: false, errors: stale };
      const version = await deps.questionnaires.publishLatest(slug);
      if (version === undefined) throw new BadInputError('nothing to publish');
      await record(account, 'questionnaire-publish', slug, { version });
      return { ok: true, slug, version };
    },

    async setStatus(account: Account, slug: string, status: QuestionnaireStatus): Promise<void> {
      mayEdit(account);
      const found = await overview(account, slug);
      const allowed =
        TRANSITIONS[found.status].includes(status) &&
        (status !== 'open' || found.publishedVersion !== null);
      if (!allowed) throw new BadInputError(`cannot go from ${found.status} to ${status}`);
      // Reopening by hand after a scheduled closing drops that closing time.
      if (status === 'open' && found.schedule.closesAt && found.schedule.closesAt <= new Date()) {
        await deps.questionnaires.setSchedule(slug, found.schedule.opensAt, null);
      }
      await deps.questionnaires.setStatus(slug, status);
      await record(account, 'questionnaire-status', slug, { from: found.status, to: status });
    },

    /** The disclosure-control threshold and whether citizens see the results (and when). */
    async setResultsSettings(
      account: Account,
      slug: string,
      settings: { threshold: number; public: ResultsPublic },
    ): Promise<void> {
      mayEdit(account);
      const found = await overview(account, slug);
      if (!Number.isInteger(settings.threshold) || settings.threshold < MIN_THRESHOLD)
        throw new BadInputError(
          `the threshold must be a whole number of at least ${MIN_THRESHOLD}`,
        );
      if (settings.threshold > MAX_THRESHOLD)
        throw new BadInputError(`the threshold must be at most ${MAX_THRESHOLD}`);
      await deps.questionnaires.setResultsSettings(slug, { ...found.results, ...settings });
      await record(account, 'results-settings', slug, {
        from: { threshold: found.results.threshold, public: found.results.public },
        to: settings,
      });
    },

    /**
     * How many days after closing the row-level answers are deleted (null keeps them). Set by
     * administrators (DESIGN.md §1); the aggregates remain.
     */
    async setRetention(account: Account, slug: string, days: number | null): Promise<void> {
      if (account.role !== 'admin')
        throw new ForbiddenError('only administrators set the retention period');
      const found = await overview(account, slug);
      if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS))
        throw new BadInputError(`retention must be 1 to ${MAX_RETENTION_DAYS} days`);
      await deps.questionnaires.setResultsSettings(slug, { ...found.results, retentionDays: days });
      await record(account, 'retention-settings', slug, {
        from: found.results.retentionDays,
        to: days,
      });
    },

    /** Opens and closes the questionnaire by itself at these times (UTC); null for none. */
    async schedule(
      account: Account,
      slug: string,
      opensAt: Date | null,
      closesAt: Date | null,
    ): Promise<void> {
      mayEdit(account);
      await overview(account, slug);
      if (opensAt && closesAt && opensAt >= closesAt)
        throw new BadInputError('opening must come before closing');
      await deps.questionnaires.setSchedule(slug, opensAt, closesAt);
      await record(account, 'questionnaire-schedule', slug, {
        opensAt: opensAt?.toISOString() ?? null,
        closesAt: closesAt?.toISOString() ?? null,
      });
    },

    /** Every text of the newest version with its source (default language) and its translation. */
    async translationRows(account: Account, slug: string, lang: LanguageCode) {
      const found = await overview(account, slug);
      const doc = found.latest.definition;
      if (!doc.languages.includes(lang)) throw new NotFoundError(`no language ${lang}`);
      await record(account, 'translations-export', slug, {
        language: lang,
        version: found.latest.version,
      });
      return {
        source: doc.defaultLanguage,
        rows: textLocations(doc).map(({ path, text }) => ({
          path,
          source: resolveText(text, doc.defaultLanguage, doc.defaultLanguage).text,
          target: text[lang] ?? '',
        })),
      };
    },

    /** Applies a translator's file to the newest version, saved as the working draft. */
    async importTranslations(
      account: Account,
      slug: string,
      lang: LanguageCode,
      entries: TranslationEntry[],
    ) {
      mayEdit(account);
      const found = await overview(account, slug);
      const doc = found.latest.definition;
      if (!doc.languages.includes(lang)) throw new BadInputError(`no language ${lang}`);
      const applied = applyTranslations(doc, lang, entries);
      if (applied.changed.length === 0) return { ...applied, saved: undefined };
      const saved = await saveDraft(account, applied.questionnaire, 'translations-import');
      return { ...applied, saved };
    },

    /** The newest version's definition (the draft, if there is one). */
    async exportDefinition(account: Account, slug: string) {
      const found = await overview(account, slug);
      await record(account, 'questionnaire-export', slug, { version: found.latest.version });
      return found.latest.definition;
    },
  };
}

export type CoordinationService = ReturnType<typeof coordinationService>;
