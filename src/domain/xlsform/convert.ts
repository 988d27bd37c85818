import type { LocalizedText } from '../questionnaire/common.js';
import { readChoices, type ChoiceList } from './choices.js';
import { resolveConditions } from './conditions.js';
import type { GroupDraft, QuestionDraft, SectionDraft } from './drafts.js';
import { KeyAllocator, toKey, toSlug } from './keys.js';
import { questionBody, withTexts } from './questions.js';
import {
  cell,
  type ReportItem,
  type SheetName,
  type SheetRow,
  type XlsFormSheets,
} from './sheets.js';
import { readTexts, type Texts } from './texts.js';
import { rowKind } from './types.js';

/** What an XLSForm has no place for, asked of the coordinator on the import form. */
export interface XlsFormExtras {
  country: string;
  /** In the form's default language. */
  purpose: string;
  organiser: string;
  /** Made into the slug when the settings have no form_id (e.g. the file name). */
  fallbackSlug?: string;
}

export interface XlsFormConversion {
  /** A questionnaire definition, still to be validated. */
  definition: Record<string, unknown>;
  report: ReportItem[];
  /** settings' version, kept for the audit log only. */
  version: string | null;
}

const SHEET_ORDER: SheetName[] = ['settings', 'survey', 'choices'];

/** Walks the survey sheet: groups become sections, questions land in the open section. */
class SurveyReader {
  readonly sections: SectionDraft[] = [];
  private readonly stack: GroupDraft[] = [];
  private open: SectionDraft | undefined;
  private repeatDepth = 0;
  private readonly questionKeys = new KeyAllocator();
  private readonly sectionKeys = new KeyAllocator();
  readonly byName = new Map<string, QuestionDraft>();

  constructor(
    private readonly texts: Texts,
    private readonly lists: Map<string, ChoiceList>,
    private readonly formTitle: LocalizedText,
    private readonly report: ReportItem[],
  ) {}

  private note(row: SheetRow | number, messageKey: string, vars: ReportItem['vars'] = {}) {
    this.report.push({
      sheet: 'survey',
      row: typeof row === 'number' ? row : row.row,
      messageKey,
      vars,
    });
  }

  private key(row: SheetRow, name: string, keys: KeyAllocator, prefix: string): string {
    const { key, duplicate } = keys.take(toKey(name, prefix));
    if (key !== name) this.note(row, duplicate ? 'duplicateKey' : 'renamed', { name, key });
    return key;
  }

  read(rows: SheetRow[]): void {
    for (const row of rows) this.readRow(row);
    for (const group of this.stack) this.note(group.row, 'unclosedGroup', { name: group.name });
  }

  private readRow(row: SheetRow): void {
    const type = cell(row, 'type');
    const name = cell(row, 'name');
    const kind = rowKind(type);
    if (this.repeatDepth > 0) {
      if (kind.kind === 'begin-repeat') this.repeatDepth += 1;
      if (kind.kind === 'end-repeat') this.repeatDepth -= 1;
      else this.note(row, 'insideRepeat', { name, type });
      return;
    }
    switch (kind.kind) {
      case 'begin-group':
        return this.beginGroup(row, name);
      case 'end-group':
        if (!this.stack.pop()) this.note(row, 'unmatchedEnd', { type });
        if (this.stack.length === 0) this.open = undefined;
        return;
      case 'begin-repeat':
        this.repeatDepth = 1;
        return this.note(row, 'repeat', { name });
      case 'end-repeat':
        return this.note(row, 'unmatchedEnd', { type });
      case 'metadata':
        return this.note(row, 'metadata', { name, type });
      case 'unsupported':
        return this.note(row, type ? 'unsupportedType' : 'noType', { name, type });
      default:
        return this.question(row, name, kind);
    }
  }

  private beginGroup(row: SheetRow, name: string): void {
    const relevant = cell(row, 'relevant');
    if (this.open && this.stack.length > 0) {
      this.note(row, 'nestedGroup', { name });
      this.stack.push({ name, row: row.row, relevant, section: this.open });
      return;
    }
    let title = this.texts.of(row, 'label');
    if (Object.keys(title).length === 0) {
      title = { [this.texts.defaultLanguage]: name || this.texts.defaultLanguage };
      this.note(row, 'groupNoLabel', { name });
    }
    const intro = this.texts.of(row, 'hint');
    const section: SectionDraft = {
      key: this.key(row, name || 'group', this.sectionKeys, 's_'),
      title,
      ...(Object.keys(intro).length > 0 ? { intro } : {}),
      questions: [],
      group: { name, row: row.row },
    };
    this.sections.push(section);
    this.open = section;
    this.stack.push({ name, row: row.row, relevant, section });
  }

  private question(row: SheetRow, name: string, kind: Parameters<typeof questionBody>[0]): void {
    if (!name) return this.note(row, 'missingName', { type: cell(row, 'type') });
    const text = this.texts.of(row, 'label');
    if (Object.keys(text).length === 0) return this.note(row, 'missingLabel', { name });
    const built = questionBody(kind, {
      row,
      name,
      lists: this.lists,
      defaultLanguage: this.texts.defaultLanguage,
      report: (messageKey, vars = {}) => this.note(row, messageKey, vars),
    });
    if (!built) return;
    const key = this.key(row, name, this.questionKeys, 'q_');
    const section = this.open ?? this.looseSection();
    const draft: QuestionDraft = {
      question: withTexts(built.body, key, text, this.texts.of(row, 'hint')),
      name,
      row: row.row,
      relevant: cell(row, 'relevant'),
      groups: [...this.stack],
      choices: built.choices,
      section,
    };
    section.questions.push(draft);
    if (!this.byName.has(name)) this.byName.set(name, draft);
  }

  /** Questions outside any group get a section of their own, titled like the form. */
  private looseSection(): SectionDraft {
    const section: SectionDraft = {
      key: this.sectionKeys.take('questions').key,
      title: this.formTitle,
      questions: [],
    };
    this.sections.push(section);
    this.open = section;
    return section;
  }
}

function settingsOf(
  sheets: XlsFormSheets,
  texts: Texts,
  extras: XlsFormExtras,
  report: ReportItem[],
) {
  const row = sheets.settings[0] ?? { row: 1, cells: {} };
  const formId = cell(row, 'form_id');
  let slug = toSlug(formId);
  if (!slug) {
    slug = toSlug(extras.fallbackSlug ?? '');
    report.push({ sheet: 'settings', row: row.row, messageKey: 'missingFormId', vars: { slug } });
  }
  let title = texts.of(row, 'form_title');
  if (Object.keys(title).length === 0) {
    title = { [texts.defaultLanguage]: formId || extras.fallbackSlug || 'XLSForm' };
    report.push({ sheet: 'settings', row: row.row, messageKey: 'missingTitle', vars: {} });
  }
  return { slug, title, version: cell(row, 'version') || null };
}

/**
 * Converts the sheets of an XLSForm (ODK, KoboToolbox) into a Consulta definition, reporting
 * every row that was not copied as it was. Pure: the caller reads the file and validates.
 */
export function convertXlsForm(sheets: XlsFormSheets, extras: XlsFormExtras): XlsFormConversion {
  const report: ReportItem[] = [];
  const texts = readTexts(sheets, report);
  const { slug, title, version } = settingsOf(sheets, texts, extras, report);
  const lists = readChoices(sheets.choices, texts, report);
  const survey = new SurveyReader(texts, lists, title, report);
  survey.read(sheets.survey);
  const sections = survey.sections.filter((section) => {
    if (section.questions.length > 0) return true;
    if (section.group)
      report.push({
        sheet: 'survey',
        row: section.group.row,
        messageKey: 'emptyGroup',
        vars: { name: section.group.name },
      });
    return false;
  });
  resolveConditions(sections, survey.byName, report);
  const lang = texts.defaultLanguage;
  return {
    definition: {
      schemaVersion: 1,
      slug,
      country: extras.country,
      languages: texts.languages,
      defaultLanguage: lang,
      title,
      purpose: { [lang]: extras.purpose },
      organiser: { [lang]: extras.organiser },
      sections: sections.map((s) => ({
        key: s.key,
        title: s.title,
        ...(s.intro ? { intro: s.intro } : {}),
        questions: s.questions.map((q) => q.question),
      })),
    },
    report: report.sort(
      (a, b) => SHEET_ORDER.indexOf(a.sheet) - SHEET_ORDER.indexOf(b.sheet) || a.row - b.row,
    ),
    version,
  };
}
