import type { LanguageCode } from '../languages.js';
import type { FormValues } from './types.js';

/**
 * What the builder shows to edit one part of a definition. Names nest with dots, and so do the
 * form fields: the label of the third option in English is `options.2.label.en`.
 */
export type EditorField =
  /** A text per language of the questionnaire. */
  | { kind: 'text'; name: string; optional?: boolean; multiline?: boolean }
  /** A machine key or code, the same in every language (a DUO term, an option key). */
  | { kind: 'key'; name: string; optional?: boolean }
  | { kind: 'flag'; name: string }
  | { kind: 'integer'; name: string; optional?: boolean }
  | { kind: 'choice'; name: string; values: readonly string[] }
  /** A repeated group (options, rows, bands...); a blank or removed row is left out. */
  | { kind: 'list'; name: string; item: EditorField[] }
  /** A group that may be left blank as a whole (the "don't know" point of a scale). */
  | { kind: 'group'; name: string; fields: EditorField[]; optional?: boolean }
  /** A display condition on an earlier answer. */
  | { kind: 'condition'; name: string };

/** The form field that marks a list row for removal. */
export const REMOVE = '_remove';

type Json = unknown;

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function blank(value: Json): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.values(value).every(blank);
  return false;
}

/** The number of rows a list has in a form: one past the highest index that appears. */
export function rowsIn(form: FormValues, name: string): number {
  const prefix = `${name}.`;
  let count = 0;
  for (const field of Object.keys(form)) {
    if (!field.startsWith(prefix)) continue;
    const index = Number(field.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(index) && index >= 0 && index < 200) count = Math.max(count, index + 1);
  }
  return count;
}

function text(form: FormValues, name: string): string | undefined {
  const raw = form[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readField(
  field: EditorField,
  form: FormValues,
  prefix: string,
  languages: readonly LanguageCode[],
): Json {
  const name = join(prefix, field.name);
  switch (field.kind) {
    case 'text': {
      const entries = languages.flatMap((lang) => {
        const value = text(form, `${name}.${lang}`);
        return value === undefined ? [] : [[lang, value] as const];
      });
      return entries.length > 0 ? Object.fromEntries(entries) : undefined;
    }
    case 'key':
      return text(form, name);
    case 'flag':
      return text(form, name) !== undefined;
    case 'integer': {
      const value = text(form, name);
      // Anything but a whole number is passed on as typed, for the schema to refuse by name.
      return value !== undefined && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
    }
    case 'choice':
      return text(form, name);
    case 'list': {
      const rows: Json[] = [];
      for (let i = 0; i < rowsIn(form, name); i++) {
        const row = `${name}.${i}`;
        if (text(form, `${row}.${REMOVE}`) !== undefined) continue;
        const value = readFields(field.item, form, row, languages);
        if (!blank(withoutFlags(field.item, value))) rows.push(value);
      }
      return rows;
    }
    case 'group': {
      const value = readFields(field.fields, form, name, languages);
      return field.optional && blank(withoutFlags(field.fields, value)) ? undefined : value;
    }
    case 'condition': {
      const question = text(form, `${name}.question`);
      if (question === undefined) return undefined;
      const values = (text(form, `${name}.values`) ?? '').split(/[\s,;]+/).filter(Boolean);
      const mode = text(form, `${name}.mode`) === 'noneOf' ? 'noneOf' : 'anyOf';
      const item = text(form, `${name}.item`);
      return { question, ...(item ? { item } : {}), [mode]: values };
    }
  }
}

/** A row whose only answers are unticked boxes is blank. */
function withoutFlags(fields: EditorField[], value: Json): Json {
  if (typeof value !== 'object' || value === null) return value;
  const copy = { ...(value as Record<string, Json>) };
  for (const field of fields)
    if (field.kind === 'flag' && copy[field.name] === false) delete copy[field.name];
  return copy;
}

/** Reads a builder form into the definition object it describes (not yet validated). */
export function readFields(
  fields: EditorField[],
  form: FormValues,
  prefix: string,
  languages: readonly LanguageCode[],
): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const field of fields) {
    const value = readField(field, form, prefix, languages);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

/** The form values that show a part of a definition in the builder: the inverse of readFields. */
export function writeFields(
  fields: EditorField[],
  value: Record<string, Json>,
  prefix = '',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const name = join(prefix, field.name);
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    switch (field.kind) {
      case 'text':
        for (const [lang, t] of Object.entries(v as Record<string, string>))
          out[`${name}.${lang}`] = t;
        break;
      case 'flag':
        if (v === true) out[name] = 'on';
        break;
      case 'key':
      case 'integer':
      case 'choice':
        out[name] = String(v);
        break;
      case 'list':
        (v as Record<string, Json>[]).forEach((row, i) =>
          Object.assign(out, writeFields(field.item, row, `${name}.${i}`)),
        );
        break;
      case 'group':
        Object.assign(out, writeFields(field.fields, v as Record<string, Json>, name));
        break;
      case 'condition': {
        const c = v as { question: string; item?: string; anyOf?: string[]; noneOf?: string[] };
        out[`${name}.question`] = c.question;
        if (c.item) out[`${name}.item`] = c.item;
        out[`${name}.mode`] = c.noneOf ? 'noneOf' : 'anyOf';
        out[`${name}.values`] = (c.noneOf ?? c.anyOf ?? []).join(', ');
        break;
      }
    }
  }
  return out;
}

/** A list of keyed, labelled items: options, rows, consent choices, scale points. */
export function labelledList(name: string, extra: EditorField[] = []): EditorField {
  return {
    kind: 'list',
    name,
    item: [{ kind: 'key', name: 'key' }, { kind: 'text', name: 'label' }, ...extra],
  };
}

/** The points of a scale and its optional "don't know". */
export const scaleEditor: EditorField = {
  kind: 'group',
  name: 'scale',
  fields: [
    labelledList('points'),
    {
      kind: 'group',
      name: 'dontKnow',
      optional: true,
      fields: [
        { kind: 'key', name: 'key' },
        { kind: 'text', name: 'label' },
      ],
    },
  ],
};
