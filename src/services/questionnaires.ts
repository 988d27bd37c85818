import { readFile } from 'node:fs/promises';
import { validateQuestionnaire, type DefinitionError } from '../domain/questionnaire/validate.js';
import type {
  PublishedQuestionnaire,
  QuestionnaireRepository,
  QuestionnaireStatus,
} from '../db/questionnaires.js';

export type ImportResult =
  { ok: true; questionnaire: PublishedQuestionnaire } | { ok: false; errors: DefinitionError[] };

export function questionnaireService(deps: { questionnaires: QuestionnaireRepository }) {
  return {
    /** Validates a definition and stores it as the next published version. */
    async import(input: unknown, status: QuestionnaireStatus = 'open'): Promise<ImportResult> {
      const result = validateQuestionnaire(input);
      if (!result.ok) return result;
      return {
        ok: true,
        questionnaire: await deps.questionnaires.publishVersion(result.questionnaire, status),
      };
    },

    async importFile(path: string, status: QuestionnaireStatus = 'open'): Promise<ImportResult> {
      let input: unknown;
      try {
        input = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        return {
          ok: false,
          errors: [{ path: '$', message: `not a readable JSON file: ${(error as Error).message}` }],
        };
      }
      return this.import(input, status);
    },

    async export(slug: string): Promise<unknown | undefined> {
      return (await deps.questionnaires.findPublished(slug))?.definition;
    },

    /** Seeds the demo questionnaire when it is not there yet. */
    async seedIfAbsent(path: string, slug: string): Promise<'seeded' | 'present'> {
      if (await deps.questionnaires.findPublished(slug)) return 'present';
      const result = await this.importFile(path, 'open');
      if (!result.ok)
        throw new Error(`demo questionnaire is invalid: ${JSON.stringify(result.errors)}`);
      return 'seeded';
    },

    setStatus: (slug: string, status: QuestionnaireStatus) =>
      deps.questionnaires.setStatus(slug, status),
  };
}

export type QuestionnaireService = ReturnType<typeof questionnaireService>;
