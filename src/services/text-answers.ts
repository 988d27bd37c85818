import type { Account } from '../db/accounts.js';
import type { AggregateRepository } from '../db/aggregates.js';
import type { AuditRepository } from '../db/audit.js';
import type { QuestionnaireRepository } from '../db/questionnaires.js';
import type { TextAnswerRepository, TextCursor } from '../db/text-answers.js';
import {
  protectCount,
  type DisclosurePolicy,
  type ProtectedCount,
} from '../domain/disclosure/index.js';
import type { Question } from '../domain/question-types/registry-schema.js';
import type { Questionnaire } from '../domain/questionnaire/schema.js';
import { redact } from '../domain/redaction.js';
import { ForbiddenError, visibleSummary } from './coordination.js';
import { NotFoundError } from './errors.js';
import { Memo } from './results-cache.js';

export type { TextCursor };

export const TEXTS_PER_PAGE = 50;

type TextQuestion = Extract<Question, { type: 'text' }>;

/**
 * Free text is row-level data (DESIGN.md §1): coordinators read it, for their own countries
 * only. Analysts never see row-level answers; administrators manage accounts, not answers.
 */
export function mayReadTexts(account: Account): boolean {
  return account.role === 'coordinator';
}

export interface TextAnswerPage {
  slug: string;
  definition: Questionnaire;
  question: TextQuestion;
  policy: DisclosurePolicy;
  /** Respondents who answered the question in the published numbers, protected. */
  answered: ProtectedCount;
  /** Whether retention has deleted the row-level answers, texts included. */
  deleted: boolean;
  /** This page's texts, redacted once more; none while fewer than k have answered. */
  texts: { text: string; language: string }[];
  /** Where the neighbouring pages start, when there are any. */
  previous: TextCursor;
  next: TextCursor;
}

/**
 * Free-text answers for the coordinators of a questionnaire's country: only those already in
 * the published numbers (so they arrive in batches of at least k), only once at least k people
 * have answered, redacted again, and every reading recorded in the audit log.
 */
export function textAnswerService(deps: {
  questionnaires: QuestionnaireRepository;
  aggregates: Pick<AggregateRepository, 'generation'>;
  texts: TextAnswerRepository;
  audit: AuditRepository;
}) {
  const counts = new Memo<number>(64);

  /**
   * Published answers to a question, counted once per fold generation: the count reads every
   * answer to the question, and it only changes when a fold does (a withdrawal waits for the
   * next fold, as in the numbers). The generation is read first, so a kept count is never older
   * than its key says.
   */
  async function answered(questionnaireId: string, questionKey: string): Promise<number> {
    const generation = await deps.aggregates.generation(questionnaireId);
    return counts.get(JSON.stringify([questionnaireId, questionKey, generation]), () =>
      deps.texts.answered(questionnaireId, questionKey),
    );
  }

  /** The question, if it is a text question of the published version the account may see. */
  async function find(account: Account, slug: string, questionKey: string) {
    if (!mayReadTexts(account))
      throw new ForbiddenError('only coordinators read free-text answers');
    const found = await visibleSummary(deps.questionnaires, account, slug);
    const definition = (await deps.questionnaires.publishedDefinitions(found.id)).at(-1);
    const question = definition?.sections
      .flatMap((s) => s.questions)
      .find((q): q is TextQuestion => q.type === 'text' && q.key === questionKey);
    if (!definition || !question) throw new NotFoundError(`${slug} has no text ${questionKey}`);
    return { found, definition, question };
  }

  return {
    async page(
      account: Account,
      slug: string,
      questionKey: string,
      cursor: TextCursor = null,
    ): Promise<TextAnswerPage> {
      const { found, definition, question } = await find(account, slug, questionKey);
      // The questionnaire's own k, as the results service reads it.
      const policy: DisclosurePolicy = { threshold: found.results.threshold };
      await deps.audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'results-texts-view',
        target: found.slug,
        details: { question: question.key },
      });
      const count = protectCount(await answered(found.id, question.key), policy.threshold);
      const deleted = found.answersDeletedAt !== null;
      const page = { slug: found.slug, definition, question, policy, answered: count, deleted };
      if (count.kind !== 'count' || deleted)
        return { ...page, texts: [], previous: null, next: null };
      const rows = await deps.texts.page(found.id, question.key, cursor, TEXTS_PER_PAGE + 1);
      const backwards = cursor !== null && 'before' in cursor;
      const more = rows.length > TEXTS_PER_PAGE;
      // The extra row only says that there is more in the direction of reading.
      const shown = more ? (backwards ? rows.slice(1) : rows.slice(0, TEXTS_PER_PAGE)) : rows;
      const first = shown.at(0);
      const last = shown.at(-1);
      return {
        ...page,
        texts: shown.map((r) => ({ text: redact(r.value), language: r.language })),
        previous: first && (backwards ? more : cursor !== null) ? { before: first.position } : null,
        next: last && (backwards || more) ? { after: last.position } : null,
      };
    },
  };
}

export type TextAnswerService = ReturnType<typeof textAnswerService>;
