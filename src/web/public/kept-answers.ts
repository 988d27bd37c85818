import { visibleQuestions } from '../../domain/questionnaire/journey.js';
import type { Questionnaire, Section } from '../../domain/questionnaire/schema.js';
import type { Question } from '../../domain/question-types/registry-schema.js';
import { typeOf } from '../../domain/question-types/registry.js';
import type { FormValues } from '../../domain/question-types/types.js';
import type { Journey } from '../../services/answering.js';

type Shown = Journey['questionnaire'];

/** How many questionnaires are remembered; a deployment runs a handful at a time. */
const LIMIT = 200;

/**
 * The version each questionnaire was last answered in, by slug. When the database cannot be
 * reached, not even a citizen's draft can be read, yet the section they sent must come back with
 * what they typed: published versions never change, so the one last shown here draws it. A
 * citizen still on an older version sends fields it may not have; their page is then the plain
 * error page. Kept per process, like the answering service's own copy of the versions.
 */
export class ShownVersions {
  private readonly bySlug = new Map<string, Shown>();

  remember(questionnaire: Shown): void {
    if (this.bySlug.get(questionnaire.slug) === questionnaire) return;
    this.bySlug.delete(questionnaire.slug);
    if (this.bySlug.size >= LIMIT) this.bySlug.delete(this.bySlug.keys().next().value as string);
    this.bySlug.set(questionnaire.slug, questionnaire);
  }

  get(slug: string): Shown | undefined {
    return this.bySlug.get(slug);
  }
}

/**
 * The questions of a section to show again when the draft could not be read, so the earlier
 * answers that conditions look at are unknown: those shown when nothing is known of them, and
 * those the citizen sent an answer to (their condition was met when the page was drawn).
 */
export function questionsWithoutDraft(
  doc: Questionnaire,
  section: Section,
  form: FormValues,
): Question[] {
  const shownAnyway = new Set(visibleQuestions(doc, section, {}));
  const answered = (field: string) => {
    const value = form[field];
    return Array.isArray(value) ? value.some((v) => v !== '') : (value ?? '') !== '';
  };
  return section.questions.filter(
    (question) => shownAnyway.has(question) || typeOf(question).fields(question).some(answered),
  );
}
