import { randomBytes, randomUUID } from 'node:crypto';
import { hashAccessCode, normaliseAccessCode } from '../domain/access-codes.js';
import { hashCode, newCode, newToken } from '../domain/codes.js';
import { isoWeek } from '../domain/iso-week.js';
import {
  applySection,
  firstIncompleteSection,
  pruneHidden,
  responseRows,
  visibleSections,
  type Answers,
} from '../domain/questionnaire/journey.js';
import type { FieldError, FormValues } from '../domain/question-types/types.js';
import type { AccessCodeRepository } from '../db/access-codes.js';
import type { Draft, DraftRepository } from '../db/drafts.js';
import type { PublishedQuestionnaire, QuestionnaireRepository } from '../db/questionnaires.js';
import type { LimitHit } from '../db/rate-limits.js';
import type { ResponseRepository } from '../db/responses.js';
import type { Logger } from '../logger.js';
import { NotFoundError, NotOpenError } from './errors.js';

export interface AnsweringDeps {
  questionnaires: QuestionnaireRepository;
  drafts: DraftRepository;
  responses: ResponseRepository;
  accessCodes: AccessCodeRepository;
  /** Keys the hashes of access codes (the app secret). */
  secret: string;
  draftTtlHours: number;
  logger: Logger;
}

/** A citizen's place in a questionnaire: the version they answer and their draft, if any. */
export interface Journey {
  questionnaire: PublishedQuestionnaire;
  draft: Draft | undefined;
}

export type SectionAction = 'next' | 'back' | 'save';

export type SectionResult =
  | { kind: 'invalid'; errors: FieldError[]; answers: Answers }
  | { kind: 'section'; index: number }
  | { kind: 'check' }
  | { kind: 'saved'; resumeCode: string };

/** Why an access code opened nothing: the error key the start page shows. */
export type AccessCodeProblem = 'missing' | 'format' | 'refused';

export type StartResult =
  /** `token` is the new draft's cookie token; undefined when the citizen's draft goes on. */
  | { kind: 'started'; token: string | undefined; section: number }
  | { kind: 'code-refused'; problem: AccessCodeProblem };

export type SubmitResult =
  | { kind: 'submitted'; receiptCode: string }
  | { kind: 'incomplete'; index: number }
  /** The draft's access code was used meanwhile (from another draft): nothing stored. */
  | { kind: 'code-used' }
  /** The draft was submitted by another request a moment before (or expired): nothing stored. */
  | { kind: 'draft-gone' };

/** A uniformly random number in [0, 1) from 53 random bits: the record key for cell-key perturbation. */
function randomRecordKey(): number {
  const bytes = randomBytes(7);
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return (value % 2 ** 53) / 2 ** 53;
}

/**
 * A set whose members are forgotten between `ms` and twice `ms` after they were added: two
 * generations, the older dropped whenever the newer is `ms` old.
 */
function recentSet(ms: number) {
  let current = new Set<string>();
  let previous = new Set<string>();
  let since = Date.now();
  const turn = () => {
    if (Date.now() - since < ms) return;
    previous = Date.now() - since < 2 * ms ? current : new Set();
    current = new Set();
    since = Date.now();
  };
  return {
    add(member: string) {
      turn();
      current.add(member);
    },
    has(member: string): boolean {
      turn();
      return current.has(member) || previous.has(member);
    },
  };
}

function ensureOpen(questionnaire: PublishedQuestionnaire): void {
  if (questionnaire.status === 'open') return;
  const { title, defaultLanguage } = questionnaire.definition;
  const closed = questionnaire.status !== 'draft';
  throw new NotOpenError(title, defaultLanguage, closed ? 'closed' : 'not-yet-open', {
    resultsOf: closed && questionnaire.resultsPublic !== 'off' ? questionnaire.slug : undefined,
  });
}

export function answeringService(deps: AnsweringDeps) {
  const definitions = new Map<string, PublishedQuestionnaire>();
  const withDefinitions = (heads: Omit<PublishedQuestionnaire, 'definition'>[]) =>
    Promise.all(
      heads.map(async (head) => ({
        ...head,
        definition: (await cachedVersion(head.versionId)).definition,
      })),
    );

  /** Versions never change once published, so each is read from the database once. */
  async function cachedVersion(versionId: string): Promise<PublishedQuestionnaire> {
    let found = definitions.get(versionId);
    if (!found) {
      found = await deps.questionnaires.findVersion(versionId);
      if (!found) throw new NotFoundError('questionnaire version not found');
      if (definitions.size > 1000) definitions.clear();
      definitions.set(versionId, found);
    }
    return found;
  }

  async function version(
    versionId: string,
    current: PublishedQuestionnaire,
  ): Promise<PublishedQuestionnaire> {
    if (versionId === current.versionId) return current;
    return { ...(await cachedVersion(versionId)), status: current.status };
  }

  /**
   * The published version last read per slug, for when the database cannot be reached: the page
   * a citizen sent must then come back with what they typed (see lastPublished).
   */
  const lastRead = new Map<string, PublishedQuestionnaire>();

  /** The published version with its current status (read fresh: closing takes effect at once). */
  async function published(slug: string): Promise<PublishedQuestionnaire> {
    const head = await deps.questionnaires.findPublishedHead(slug);
    if (!head) throw new NotFoundError(`no questionnaire "${slug}"`);
    const found = { ...head, definition: (await cachedVersion(head.versionId)).definition };
    if (lastRead.size > 1000 && !lastRead.has(slug)) lastRead.clear();
    lastRead.set(slug, found);
    return found;
  }

  /**
   * The code was marked used in the transaction that stored the response, so both rows carry
   * that transaction's id (`xmin`). Writing the code's row again, with a batch of other used
   * codes, in a transaction of its own, gives it an id shared with them. The response is
   * already stored: a failure here is logged (without the code or its hash: a database error's
   * message can quote the query's values) and the citizen still gets the receipt.
   */
  async function separateCodeFromResponse(questionnaireId: string, codeHash: string) {
    try {
      await deps.accessCodes.rewriteUsed(questionnaireId, codeHash);
    } catch (err: unknown) {
      const code = (err as { code?: unknown } | null)?.code;
      deps.logger.warn(
        { questionnaireId, errorCode: typeof code === 'string' ? code : undefined },
        'rewriting a used access code failed; the response is stored',
      );
    }
  }

  /**
   * The token hashes of drafts this process submitted in the last minute or two: a second
   * submit of one (a double click, whose second request still carries the draft's cookie) finds
   * no draft, and is sent to the thank-you page rather than the start page. Nothing links them
   * to their responses; at a thousand submits a second they hold about 12 MB.
   */
  const justSubmitted = recentSet(60_000);

  return {
    /**
     * The published version of a questionnaire this process read last, without the database
     * (published versions never change; its status may be stale): undefined when none was read.
     */
    lastPublished(slug: string): PublishedQuestionnaire | undefined {
      return lastRead.get(slug);
    },

    /** The questionnaire as a citizen arriving on its start page sees it. */
    async startPage(slug: string): Promise<PublishedQuestionnaire> {
      const questionnaire = await published(slug);
      ensureOpen(questionnaire);
      return questionnaire;
    },

    /**
     * The questionnaire whatever its status: the thank-you page must still show the receipt code
     * when the questionnaire closed a moment after the citizen submitted.
     */
    async describe(slug: string): Promise<PublishedQuestionnaire> {
      return published(slug);
    },

    async listOpen(): Promise<PublishedQuestionnaire[]> {
      return withDefinitions(await deps.questionnaires.listOpenHeads());
    },

    /** Questionnaires whose results citizens may see now. */
    async listPublicResults(): Promise<PublishedQuestionnaire[]> {
      return withDefinitions(await deps.questionnaires.listPublicResultsHeads());
    },

    /**
     * Starts answering: goes on with the citizen's draft, or starts a new one. An access-code
     * questionnaire needs a code that exists and is unused; an open one ignores any code.
     */
    async start(
      slug: string,
      token: string | undefined,
      typedCode: string | undefined,
    ): Promise<StartResult> {
      const questionnaire = await published(slug);
      ensureOpen(questionnaire);
      let accessCodeHash: string | null = null;
      if (questionnaire.definition.mode === 'access-code') {
        const typed = (typedCode ?? '').trim();
        if (typed === '') return { kind: 'code-refused', problem: 'missing' };
        const code = normaliseAccessCode(typed);
        if (!code) return { kind: 'code-refused', problem: 'format' };
        accessCodeHash = hashAccessCode(deps.secret, questionnaire.id, code);
        if (!(await deps.accessCodes.isUnused(questionnaire.id, accessCodeHash)))
          return { kind: 'code-refused', problem: 'refused' };
      }
      const draft = token ? await deps.drafts.find(hashCode(token)) : undefined;
      if (draft?.questionnaireId === questionnaire.id && draft.accessCodeHash === accessCodeHash) {
        const doc = (await version(draft.versionId, questionnaire)).definition;
        return {
          kind: 'started',
          token: undefined,
          section: visibleSections(doc, draft.answers)[0] ?? 0,
        };
      }
      const newDraftToken = newToken();
      await deps.drafts.create(
        {
          tokenHash: hashCode(newDraftToken),
          questionnaireId: questionnaire.id,
          versionId: questionnaire.versionId,
          accessCodeHash,
        },
        deps.draftTtlHours,
      );
      return { kind: 'started', token: newDraftToken, section: 0 };
    },

    /** Finds the citizen's draft for this questionnaire, in the version they started. */
    async journey(slug: string, token: string | undefined): Promise<Journey> {
      const current = await published(slug);
      ensureOpen(current);
      const draft = token ? await deps.drafts.find(hashCode(token)) : undefined;
      // A draft begun without a code before the questionnaire asked for codes cannot go on.
      const locked = current.definition.mode === 'access-code' && draft?.accessCodeHash === null;
      if (!draft || draft.questionnaireId !== current.id || locked)
        return { questionnaire: current, draft: undefined };
      return { questionnaire: await version(draft.versionId, current), draft };
    },

    async saveSection(
      journey: Journey & { draft: Draft },
      index: number,
      form: FormValues,
      action: SectionAction,
    ): Promise<SectionResult> {
      const doc = journey.questionnaire.definition;
      const outcome = applySection(doc, index, form, journey.draft.answers, action !== 'next');
      if (outcome.errors.length > 0)
        return { kind: 'invalid', errors: outcome.errors, answers: outcome.answers };
      // A complete draft keeps what its submission will store (see submitAsItIs).
      const kept = pruneHidden(doc, outcome.answers);
      const complete = firstIncompleteSection(doc, kept) === undefined;
      await deps.drafts.saveAnswers(
        journey.draft.tokenHash,
        outcome.answers,
        complete ? responseRows(doc, kept) : undefined,
      );
      const visible = visibleSections(doc, outcome.answers);
      if (action === 'save') {
        const resumeCode = newCode();
        await deps.drafts.setResumeHash(journey.draft.tokenHash, hashCode(resumeCode));
        return { kind: 'saved', resumeCode };
      }
      if (action === 'back') {
        const previous = visible.filter((i) => i < index).pop();
        return { kind: 'section', index: previous ?? -1 };
      }
      const next = visible.find((i) => i > index);
      return next === undefined ? { kind: 'check' } : { kind: 'section', index: next };
    },

    /** Takes over a saved draft with its resume code; returns the new cookie token. */
    async resume(slug: string, resumeCode: string): Promise<string | undefined> {
      const questionnaire = await published(slug);
      ensureOpen(questionnaire);
      const token = newToken();
      const draft = await deps.drafts.claimByResumeHash(
        questionnaire.id,
        hashCode(resumeCode),
        hashCode(token),
      );
      return draft && token;
    },

    /**
     * Counts the submission's `hit` on the client's limit and, within it, submits the citizen's
     * draft as it is, without reading it first (responses.submitDraft): one statement, for the
     * common case. Returns what became of it, as `submit` ('draft-gone' also when this process
     * submitted the draft a moment ago), or 'too-many' (over the limit: nothing stored). When
     * the draft cannot be submitted so (none, incomplete, or with an access code), nothing was
     * stored: 'long-way', then `journey` and `submit` take the long way and say why; `counted`
     * tells whether the hit was counted (else the caller counts it).
     */
    async submitAsItIs(
      slug: string,
      token: string | undefined,
      language: string,
      hit: LimitHit,
    ): Promise<
      | Extract<SubmitResult, { kind: 'submitted' | 'draft-gone' }>
      | { kind: 'too-many' }
      | { kind: 'long-way'; counted: boolean }
    > {
      if (token === undefined) return { kind: 'long-way', counted: false };
      const tokenHash = hashCode(token);
      if (justSubmitted.has(tokenHash)) return { kind: 'draft-gone' };
      const questionnaire = await published(slug);
      ensureOpen(questionnaire);
      if (questionnaire.definition.mode === 'access-code')
        return { kind: 'long-way', counted: false };
      const receiptCode = newCode();
      const stored = await deps.responses.submitDraft({
        tokenHash,
        questionnaireId: questionnaire.id,
        id: randomUUID(),
        language,
        isoWeek: isoWeek(new Date()),
        recordKey: randomRecordKey(),
        receiptHash: hashCode(receiptCode),
        hit,
      });
      if (stored === 'stored') {
        justSubmitted.add(tokenHash);
        return { kind: 'submitted', receiptCode };
      }
      if (stored === 'too-many') return { kind: 'too-many' };
      if (stored === 'draft-gone' || justSubmitted.has(tokenHash)) return { kind: 'draft-gone' };
      return { kind: 'long-way', counted: true };
    },

    /** Stores the response (anonymised) and deletes the draft; returns the receipt code. */
    async submit(journey: Journey & { draft: Draft }, language: string): Promise<SubmitResult> {
      const doc = journey.questionnaire.definition;
      const answers = pruneHidden(doc, journey.draft.answers);
      const incomplete = firstIncompleteSection(doc, answers);
      if (incomplete !== undefined) return { kind: 'incomplete', index: incomplete };
      const receiptCode = newCode();
      const stored = await deps.responses.insert(
        {
          questionnaireId: journey.questionnaire.id,
          id: randomUUID(),
          versionId: journey.questionnaire.versionId,
          language,
          isoWeek: isoWeek(new Date()),
          recordKey: randomRecordKey(),
          receiptHash: hashCode(receiptCode),
          rows: responseRows(doc, answers),
        },
        journey.draft,
      );
      if (stored !== 'stored') return { kind: stored };
      justSubmitted.add(journey.draft.tokenHash);
      if (journey.draft.accessCodeHash !== null)
        await separateCodeFromResponse(journey.questionnaire.id, journey.draft.accessCodeHash);
      return { kind: 'submitted', receiptCode };
    },

    async withdraw(receiptCode: string): Promise<boolean> {
      return deps.responses.deleteByReceipt(hashCode(receiptCode));
    },
  };
}

export type AnsweringService = ReturnType<typeof answeringService>;
