import type { Account } from '../db/accounts.js';
import type { AuditRepository } from '../db/audit.js';
import type { QuestionnaireRepository, QuestionnaireStatus } from '../db/questionnaires.js';
import type { ResponseRepository } from '../db/responses.js';
import { BadInputError, NotFoundError } from './errors.js';

/** A signed-in account may not do this (the web layer answers 403). */
export class ForbiddenError extends Error {
  readonly status = 403;
}

/** Administrators see every country; coordinators and analysts only their own. */
export function canSee(account: Account, country: string): boolean {
  return account.role === 'admin' || account.countries.includes(country);
}

const TRANSITIONS: Record<QuestionnaireStatus, QuestionnaireStatus[]> = {
  draft: ['open'],
  open: ['closed'],
  closed: ['open', 'archived'],
  archived: [],
};

/** What coordinators and analysts do with questionnaires, scoped to their countries. */
export function coordinationService(deps: {
  questionnaires: QuestionnaireRepository;
  responses: ResponseRepository;
  audit: AuditRepository;
}) {
  async function visible(account: Account, slug: string) {
    const questionnaire = await deps.questionnaires.findPublished(slug);
    // Another country's questionnaire is "not found", so its existence is not revealed either.
    if (!questionnaire || !canSee(account, questionnaire.definition.country))
      throw new NotFoundError(slug);
    return questionnaire;
  }

  return {
    async list(account: Account) {
      const all = await deps.questionnaires.listWithCounts();
      return all.filter((q) => canSee(account, q.country));
    },

    async get(account: Account, slug: string) {
      const questionnaire = await visible(account, slug);
      return {
        ...questionnaire,
        responses: await deps.responses.count(questionnaire.id),
        next: TRANSITIONS[questionnaire.status],
      };
    },

    async setStatus(account: Account, slug: string, status: QuestionnaireStatus): Promise<void> {
      if (account.role === 'analyst')
        throw new ForbiddenError('analysts cannot change questionnaires');
      const questionnaire = await visible(account, slug);
      if (!TRANSITIONS[questionnaire.status].includes(status))
        throw new BadInputError(`cannot go from ${questionnaire.status} to ${status}`);
      await deps.questionnaires.setStatus(slug, status);
      await deps.audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'questionnaire-status',
        target: slug,
        details: { from: questionnaire.status, to: status },
      });
    },

    async exportDefinition(account: Account, slug: string) {
      const questionnaire = await visible(account, slug);
      await deps.audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'questionnaire-export',
        target: slug,
        details: { version: questionnaire.version },
      });
      return questionnaire.definition;
    },
  };
}

export type CoordinationService = ReturnType<typeof coordinationService>;
