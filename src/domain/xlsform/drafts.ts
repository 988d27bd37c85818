import type { LocalizedText } from '../questionnaire/common.js';
import type { ChoiceList } from './choices.js';
import type { QuestionBody } from './questions.js';

/** A section being built from a group (or from questions outside any group). */
export interface SectionDraft {
  key: string;
  title: LocalizedText;
  intro?: LocalizedText;
  questions: QuestionDraft[];
  group?: { name: string; row: number };
}

export interface GroupDraft {
  name: string;
  row: number;
  relevant: string;
  section: SectionDraft;
}

export interface QuestionDraft {
  question: QuestionBody;
  name: string;
  row: number;
  relevant: string;
  /** The groups around the question, outermost first: their `relevant` applies to it too. */
  groups: GroupDraft[];
  choices: ChoiceList | undefined;
  section: SectionDraft;
}
