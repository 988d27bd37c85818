import type { Account } from '../db/accounts.js';
import type { AggregateRepository } from '../db/aggregates.js';
import type { QuestionnaireRepository } from '../db/questionnaires.js';
import {
  DEFAULT_THRESHOLD,
  protectTable,
  type DisclosurePolicy,
  type ProtectedTable,
  type RawTable,
} from '../domain/disclosure/index.js';
import type { Question } from '../domain/question-types/registry-schema.js';
import type { ResultSpec } from '../domain/question-types/types.js';
import type { Questionnaire } from '../domain/questionnaire/schema.js';
import {
  dimensionsOf,
  foldScopeOf,
  groupsOf,
  LANGUAGE,
  rawResults,
  responseCounts,
  weeksOf,
} from '../domain/results.js';
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

export interface QuestionnaireResults extends ResultsDefinition {
  status: string;
  policy: DisclosurePolicy;
  /** '' for none, LANGUAGE, or a dimension question's key. */
  by: string;
  dimensions: Question[];
  groups: string[];
  /** Responses in the published numbers, per group, protected like every other count. */
  responses: ProtectedTable;
  weeks: ProtectedTable;
  questions: { question: Question; tables: { spec: ResultSpec; table: ProtectedTable }[] }[];
}

/**
 * Results as coordinators and analysts see them: from the maintained aggregates only, every
 * number through the disclosure-control module (DESIGN.md §4.3).
 */
export function resultsService(deps: {
  questionnaires: QuestionnaireRepository;
  aggregates: AggregateRepository;
}) {
  const policyOf = (): DisclosurePolicy => ({ threshold: DEFAULT_THRESHOLD });
  const cache = resultsCache<Questionnaire[], QuestionnaireResults>();

  /**
   * New answers join the published numbers in batches of at least k while answering goes on;
   * once it has stopped, the rest join too.
   */
  async function fold(id: string, status: string, versions: Questionnaire[]) {
    await deps.aggregates.fold(
      id,
      foldScopeOf(versions),
      status === 'open' ? policyOf().threshold : 0,
    );
  }

  /** The questionnaire if the account may see it, with every published version, oldest first. */
  async function published(account: Account, slug: string) {
    const found = await visibleSummary(deps.questionnaires, account, slug);
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
    /** Housekeeping: folds whatever is waiting, for every questionnaire. */
    async foldPending(): Promise<void> {
      const waiting = new Set(await deps.aggregates.withPending());
      if (waiting.size === 0) return;
      for (const q of await deps.questionnaires.summaries()) {
        if (!waiting.has(q.id)) continue;
        await fold(q.id, q.status, await deps.questionnaires.publishedDefinitions(q.id));
      }
    },

    /** The published definition and policy, without reading any count. */
    async definition(account: Account, slug: string): Promise<ResultsDefinition> {
      const { found, definition } = await published(account, slug);
      return { slug: found.slug, version: found.publishedVersion, definition, policy: policyOf() };
    },

    async results(account: Account, slug: string, by = ''): Promise<QuestionnaireResults> {
      const { found, versions, definition } = await published(account, slug);
      const policy = policyOf();
      const dimensions = dimensionsOf(versions);
      if (by !== '' && by !== LANGUAGE && !dimensions.some((d) => d.key === by))
        throw new BadInputError(`cannot break results down by ${by}`);
      await fold(found.id, found.status, versions);
      // Read before the cells, so a kept result is never older than its generation.
      const generation = await deps.aggregates.generation(found.id);
      const key = {
        questionnaireId: found.id,
        publishedVersion: found.publishedVersion ?? 0,
        status: found.status,
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
        const counts = responseCounts(cells, groups);
        const responses: RawTable = {
          values: ['all'],
          groups,
          multiple: false,
          cells: { all: counts },
          totals: counts,
        };
        const weekCells = weeksOf(overall);
        const weeks: RawTable = {
          values: weekCells.map((w) => w.week),
          groups: [''],
          multiple: false,
          cells: Object.fromEntries(weekCells.map((w) => [w.week, { '': w.cell }])),
          totals: { '': responseCounts(overall, [''])[''] ?? { count: 0, keySum: 0 } },
        };
        return {
          slug: found.slug,
          version: found.publishedVersion,
          status: found.status,
          definition,
          policy,
          by,
          dimensions,
          groups,
          responses: protectTable(responses, policy),
          weeks: protectTable(weeks, policy),
          questions: rawResults(definition, cells, groups).map(({ question, tables }) => ({
            question,
            tables: tables.map(({ spec, raw }) => ({ spec, table: protectTable(raw, policy) })),
          })),
        };
      });
    },
  };
}

export type ResultsService = ReturnType<typeof resultsService>;
