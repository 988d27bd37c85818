import type { Account } from '../db/accounts.js';
import type { AggregateRepository } from '../db/aggregates.js';
import type { QuestionnaireRepository, QuestionnaireSummary } from '../db/questionnaires.js';
import type { ResponseRepository } from '../db/responses.js';
import {
  protectCell,
  protectGroupSizes,
  protectTable,
  type DisclosurePolicy,
  type RawTable,
} from '../domain/disclosure/index.js';
import type { Question } from '../domain/question-types/registry-schema.js';
import type { Questionnaire } from '../domain/questionnaire/schema.js';
import { completionRate, tableStatistic } from '../domain/result-stats.js';
import {
  abandonedCount,
  dimensionsOf,
  foldScopeOf,
  groupsOf,
  LANGUAGE,
  rawResults,
  responseCounts,
  weeksOf,
} from '../domain/results.js';
import type { ExportableResults } from '../domain/results-export.js';
import { visibleSummary } from './coordination.js';
import { BadInputError, NotFoundError } from './errors.js';
import { resultsCache } from './results-cache.js';

/** The published definition behind a questionnaire's results: what a codebook describes. */
export interface ResultsDefinition {
  slug: string;
  /** The published version number (null only if it was unpublished meanwhile). */
  version: number | null;
  definition: Questionnaire;
  policy: DisclosurePolicy;
}

/** The protected results (ExportableResults, what exports flatten) and what pages add to them. */
export interface QuestionnaireResults extends ResultsDefinition, ExportableResults {
  status: string;
  /** When it closed, for the public page; null while open. */
  closedAt: Date | null;
  /** When retention deleted the row-level answers (the aggregates remain); null while kept. */
  answersDeletedAt: Date | null;
  dimensions: Question[];
  groups: string[];
}

/** What the public results address shows. */
export type PublicResults =
  | { kind: 'results'; results: QuestionnaireResults }
  /** Public once answering has stopped, and it has not yet. */
  | { kind: 'after-closing'; slug: string; definition: Questionnaire; closesAt: Date | null };

/** Whether a questionnaire's row-level answers are due for deletion now. */
export function retentionDue(q: QuestionnaireSummary, now = new Date()): boolean {
  const days = q.results.retentionDays;
  if (days === null || q.closedAt === null || q.answersDeletedAt !== null) return false;
  return q.closedAt.getTime() + days * 86_400_000 <= now.getTime();
}

/**
 * Results as coordinators and analysts see them: from the maintained aggregates only, every
 * number through the disclosure-control module (DESIGN.md §4.3).
 */
export function resultsService(deps: {
  questionnaires: QuestionnaireRepository;
  aggregates: AggregateRepository;
  responses: ResponseRepository;
}) {
  const policyOf = (q: QuestionnaireSummary): DisclosurePolicy => ({
    threshold: q.results.threshold,
  });
  const cache = resultsCache<Questionnaire[], QuestionnaireResults>();

  /**
   * New answers join the published numbers in batches of at least k while answering goes on;
   * once it has stopped, the rest join too.
   */
  async function fold(q: QuestionnaireSummary, versions: Questionnaire[], batch?: number) {
    const step = policyOf(q).threshold;
    await deps.aggregates.fold(q.id, foldScopeOf(versions), q.status === 'open' ? step : 0, batch);
    // Abandoned starts move in steps of k too (docs/results-statistics.md).
    await deps.aggregates.foldAbandoned(q.id, step, q.status === 'open');
  }

  /** The questionnaire if the account may see it, with every published version, oldest first. */
  async function published(account: Account, slug: string) {
    return withVersions(await visibleSummary(deps.questionnaires, account, slug), slug);
  }

  async function withVersions(found: QuestionnaireSummary, slug: string) {
    const version = found.publishedVersion;
    const versions =
      version === null
        ? []
        : await cache.definitions(found.id, version, () =>
            deps.questionnaires.publishedDefinitions(found.id),
          );
    const definition = versions.at(-1);
    if (!definition) throw new NotFoundError(`${slug} has no published version`);
    return { found, versions, definition };
  }

  return {
    /**
     * Housekeeping: folds whatever is waiting, for every questionnaire, in transactions of
     * `batch` responses (see FOLD_BATCH; a bulk load with nobody answering may take more).
     */
    async foldPending(batch?: number): Promise<void> {
      const waiting = new Set([
        ...(await deps.aggregates.withPending()),
        ...(await deps.aggregates.withAbandonedPending()),
      ]);
      if (waiting.size === 0) return;
      for (const q of await deps.questionnaires.summaries()) {
        if (!waiting.has(q.id)) continue;
        await fold(q, await deps.questionnaires.publishedDefinitions(q.id), batch);
      }
    },

    /**
     * Housekeeping: deletes the row-level answers of questionnaires closed longer than their
     * retention period, after folding every last one into the aggregates, which remain. Returns
     * how many responses were deleted.
     */
    async applyRetention(batch = 20_000): Promise<number> {
      let deleted = 0;
      for (const q of await deps.questionnaires.summaries()) {
        if (!retentionDue(q)) continue;
        await fold(q, await deps.questionnaires.publishedDefinitions(q.id));
        for (;;) {
          const n = await deps.responses.deleteAggregated(q.id, batch);
          deleted += n;
          if (n < batch) break;
        }
        await deps.questionnaires.markAnswersDeleted(q.id);
      }
      return deleted;
    },

    /** The published definition and policy, without reading any count. */
    async definition(account: Account, slug: string): Promise<ResultsDefinition> {
      const { found, definition } = await published(account, slug);
      return {
        slug: found.slug,
        version: found.publishedVersion,
        definition,
        policy: policyOf(found),
      };
    },

    async results(account: Account, slug: string, by = ''): Promise<QuestionnaireResults> {
      return compute(await published(account, slug), by);
    },

    /**
     * The results citizens may see: only once a coordinator has made them public, and, unless
     * they are public while answering goes on, only after closing. Same numbers as coordinators'.
     */
    async publicResults(slug: string, by = ''): Promise<PublicResults> {
      const [found] = await deps.questionnaires.summaries(slug);
      if (!found || found.publishedVersion === null || found.results.public === 'off')
        throw new NotFoundError(`${slug} has no public results`);
      const closed = found.status === 'closed' || found.status === 'archived';
      if (found.results.public === 'closed' && !closed) {
        const { definition } = await withVersions(found, slug);
        return {
          kind: 'after-closing',
          slug: found.slug,
          definition,
          closesAt: found.schedule.closesAt,
        };
      }
      return { kind: 'results', results: await compute(await withVersions(found, slug), by) };
    },
  };

  async function compute(
    { found, versions, definition }: Awaited<ReturnType<typeof withVersions>>,
    by: string,
  ): Promise<QuestionnaireResults> {
    {
      const policy = policyOf(found);
      const dimensions = dimensionsOf(versions);
      if (by !== '' && by !== LANGUAGE && !dimensions.some((d) => d.key === by))
        throw new BadInputError(`cannot break results down by ${by}`);
      await fold(found, versions);
      // Read before the cells, so a kept result is never older than its generation.
      const generation = await deps.aggregates.generation(found.id);
      const key = {
        questionnaireId: found.id,
        publishedVersion: found.publishedVersion ?? 0,
        status: found.status,
        closedAt: found.closedAt,
        answersDeletedAt: found.answersDeletedAt,
        by,
        policy,
        generation,
      };
      return cache.results(key, async () => {
        const overall = await deps.aggregates.cells(found.id, '');
        const breakdown = by === '' ? [] : await deps.aggregates.cells(found.id, by);
        // A breakdown keeps the everyone column: it tells how many gave no answer to the dimension,
        // and it is protected exactly as in the table without a breakdown.
        const groups = ['', ...(by === '' ? [] : groupsOf(definition, by, breakdown))];
        const cells = [...overall, ...breakdown];
        const weekCells = weeksOf(overall);
        const weeks: RawTable = {
          values: weekCells.map((w) => w.week),
          groups: [''],
          multiple: false,
          cells: Object.fromEntries(weekCells.map((w) => [w.week, { '': w.cell }])),
          totals: { '': responseCounts(overall, [''])[''] ?? { count: 0, keySum: 0 } },
        };
        const responses = protectGroupSizes(responseCounts(cells, groups), groups, policy);
        // A single count with no table around it: the threshold and the cell key are all it needs.
        const abandoned = protectCell(abandonedCount(overall), policy);
        return {
          slug: found.slug,
          version: found.publishedVersion,
          status: found.status,
          closedAt: found.closedAt,
          answersDeletedAt: found.answersDeletedAt,
          definition,
          policy,
          by,
          dimensions,
          groups,
          responses,
          weeks: protectTable(weeks, policy),
          abandoned,
          completion: completionRate(responses.cells.all?.[''], abandoned),
          questions: rawResults(definition, cells, groups).map(({ question, tables }) => ({
            question,
            tables: tables.map(({ spec, raw }) => {
              const table = protectTable(raw, policy);
              return { spec, table, statistic: tableStatistic(spec, table) };
            }),
          })),
        };
      });
    }
  }
}

export type ResultsService = ReturnType<typeof resultsService>;
