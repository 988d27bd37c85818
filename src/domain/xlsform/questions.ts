import type { LanguageCode } from '../languages.js';
import type { LocalizedText } from '../questionnaire/common.js';
import type { ChoiceList } from './choices.js';
import { parseBounds } from './expressions.js';
import { cell, type ReportItem, type SheetRow } from './sheets.js';
import type { RowKind } from './types.js';

/** A question as it will appear in the definition, before validation. */
export type QuestionBody = Record<string, unknown> & { type: string };

const RANKING_MAX = 10;
const SELECT_ABOVE = 12;
const DEFAULT_RANGE = { min: 0, max: 999 };

interface Context {
  row: SheetRow;
  name: string;
  lists: Map<string, ChoiceList>;
  defaultLanguage: LanguageCode;
  report: (messageKey: string, vars?: ReportItem['vars']) => void;
}

function required(context: Context): boolean {
  const value = cell(context.row, 'required').toLowerCase();
  if (['yes', 'true', '1', 'true()'].includes(value)) return true;
  if (!['', 'no', 'false', '0', 'false()'].includes(value))
    context.report('requiredNotUnderstood', { name: context.name, value });
  return false;
}

function choiceQuestion(
  kind: Extract<RowKind, { kind: 'choice' }>,
  context: Context,
): { body: QuestionBody; choices: ChoiceList } | undefined {
  const list = context.lists.get(kind.list);
  const { name } = context;
  if (!list) {
    context.report('listNotFound', { name, list: kind.list });
    return undefined;
  }
  if (kind.orOther) context.report('orOther', { name });
  if (cell(context.row, 'choice_filter'))
    context.report('choiceFilterIgnored', { name, expression: cell(context.row, 'choice_filter') });
  const options = list.options.map((o) => ({ key: o.key, label: o.label }));
  if (kind.type === 'ranking') {
    if (options.length > RANKING_MAX) {
      context.report('rankTooMany', { name, count: options.length, max: RANKING_MAX });
      return undefined;
    }
    return { body: { type: 'ranking', options }, choices: list };
  }
  const body: QuestionBody = { type: kind.type, options };
  if (kind.type === 'single-choice' && options.length > SELECT_ABOVE) body.display = 'select';
  return { body, choices: list };
}

/**
 * Only the band of a number is stored, and XLSForm has no bands: one band covers the whole range
 * until the coordinator defines real ones in the builder.
 */
function numberQuestion(context: Context): QuestionBody {
  const { name } = context;
  const constraint = cell(context.row, 'constraint');
  const bounds = constraint ? parseBounds(constraint) : undefined;
  if (constraint && !bounds) context.report('constraintIgnored', { name, expression: constraint });
  let min = bounds?.min ?? DEFAULT_RANGE.min;
  let max = bounds?.max ?? DEFAULT_RANGE.max;
  if (min > max) ({ min, max } = DEFAULT_RANGE);
  if (bounds?.min !== min || bounds?.max !== max) context.report('numberRange', { name, min, max });
  context.report('numberBands', { name, min, max });
  return { type: 'number', min, max, bands: [{ key: 'all', min, max }] };
}

/** The type-specific part of a question, or undefined when the row cannot be imported. */
export function questionBody(
  kind: Extract<RowKind, { kind: 'choice' | 'simple' }>,
  context: Context,
): { body: QuestionBody; choices?: ChoiceList } | undefined {
  const constraint = cell(context.row, 'constraint');
  if (constraint && !(kind.kind === 'simple' && kind.type === 'number'))
    context.report('constraintIgnored', { name: context.name, expression: constraint });
  let result: { body: QuestionBody; choices?: ChoiceList } | undefined;
  if (kind.kind === 'choice') result = choiceQuestion(kind, context);
  else if (kind.type === 'number') result = { body: numberQuestion(context) };
  else if (kind.type === 'text')
    result = {
      body: { type: 'text', multiline: /multiline/.test(cell(context.row, 'appearance')) },
    };
  else result = { body: { type: 'info' } };
  if (result && result.body.type !== 'info') result.body.required = required(context);
  return result;
}

export function withTexts(
  body: QuestionBody,
  key: string,
  text: LocalizedText,
  help: LocalizedText,
): QuestionBody {
  return {
    key,
    ...body,
    text,
    ...(Object.keys(help).length > 0 ? { help } : {}),
  };
}
