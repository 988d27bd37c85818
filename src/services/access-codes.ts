import type { Account } from '../db/accounts.js';
import type { AccessCodeRepository } from '../db/access-codes.js';
import type { AuditRepository } from '../db/audit.js';
import type { QuestionnaireOverview, QuestionnaireRepository } from '../db/questionnaires.js';
import { hashAccessCode, newAccessCode } from '../domain/access-codes.js';
import { mayEdit, visibleOverview } from './coordination.js';
import { BadInputError } from './errors.js';

export const MAX_ACCESS_CODES_PER_REQUEST = 10_000;

/** One-time access codes of access-code questionnaires, for the coordinators of their country. */
export function accessCodeService(deps: {
  questionnaires: QuestionnaireRepository;
  accessCodes: AccessCodeRepository;
  audit: AuditRepository;
  secret: string;
}) {
  return {
    /**
     * How many codes exist and how many were used; undefined for an open questionnaire. Takes the
     * questionnaire the account was already allowed to see (coordination.get), not a second read.
     */
    async counts(found: Pick<QuestionnaireOverview, 'id' | 'latest'>) {
      if (found.latest.definition.mode !== 'access-code') return undefined;
      return deps.accessCodes.counts(found.id);
    },

    /**
     * Makes `count` new codes and stores their hashes. The plain codes are returned here, once:
     * nothing can show them again.
     */
    async generate(account: Account, slug: string, count: number): Promise<string[]> {
      mayEdit(account);
      const found = await visibleOverview(deps.questionnaires, account, slug);
      if (found.latest.definition.mode !== 'access-code')
        throw new BadInputError('an open questionnaire has no access codes');
      if (!Number.isInteger(count) || count < 1 || count > MAX_ACCESS_CODES_PER_REQUEST)
        throw new BadInputError(`between 1 and ${MAX_ACCESS_CODES_PER_REQUEST} codes`);
      const codes: string[] = [];
      while (codes.length < count) {
        const byHash = new Map<string, string>();
        while (byHash.size < count - codes.length) {
          const code = newAccessCode();
          byHash.set(hashAccessCode(deps.secret, found.id, code), code);
        }
        const stored = await deps.accessCodes.insert(found.id, [...byHash.keys()]);
        for (const [hash, code] of byHash) if (stored.has(hash)) codes.push(code);
      }
      await deps.audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'access-codes-generate',
        target: slug,
        details: { count },
      });
      return codes;
    },
  };
}

export type AccessCodeService = ReturnType<typeof accessCodeService>;
