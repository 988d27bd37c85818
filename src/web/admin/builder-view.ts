import { directionOf, nativeName, type LanguageCode } from '../../domain/languages.js';
import { REMOVE, rowsIn, type EditorField } from '../../domain/question-types/editor.js';
import type { FormValues } from '../../domain/question-types/types.js';
import type { DefinitionError } from '../../domain/questionnaire/validate.js';
import type { Translate } from '../i18n.js';

/** A question an display condition may test, with what can be compared. */
export interface ConditionTargetView {
  key: string;
  text: string;
  items: string[] | null;
  values: string[];
}

export interface LanguageInput {
  code: LanguageCode;
  name: string;
  dir: string;
  id: string;
  field: string;
  value: string;
}

export interface RowView {
  legend: string;
  id: string;
  removeField: string;
  removeId: string;
  removed: boolean;
  fields: FieldView[];
}

export interface FieldView {
  kind: EditorField['kind'];
  name: string;
  id: string;
  /** Where an error summary link leads: the first input of the field. */
  focusId: string;
  label: string;
  hint?: string | undefined;
  errors: string[];
  optional?: boolean | undefined;
  multiline?: boolean | undefined;
  value?: string;
  checked?: boolean;
  choices?: { value: string; label: string }[];
  languages?: LanguageInput[];
  rows?: RowView[];
  fields?: FieldView[];
  targets?: ConditionTargetView[];
  condition?: { question: string; item: string; mode: string; values: string };
}

/** Fields with a hint of their own (admin.builder.hints.<name>); in list rows, only some. */
const ROW_HINTS = new Set(['duo']);
const HINTS = new Set([
  'key',
  'duo',
  'bands',
  'dontKnow',
  'exclusive',
  'dimension',
  'display',
  'maxLength',
  'unit',
  'condition',
  'help',
  'min',
  'max',
]);

/** Blank rows shown in the lists of a question that has none yet. */
const STARTING_ROWS: Record<string, number> = {
  options: 3,
  rows: 3,
  purposes: 3,
  choices: 4,
  points: 5,
  bands: 3,
};

export interface BuilderContext {
  t: Translate;
  languages: readonly LanguageCode[];
  values: FormValues;
  /** Problems by field name, already translated. */
  problems: Map<string, string[]>;
  /** Lists that get one more blank row (the "add a row" button). */
  grow: string | undefined;
  targets: ConditionTargetView[];
  /** Names of the problems shown beside a field, so the rest can be listed on their own. */
  claimed: Set<string>;
}

const idFor = (name: string) => `f-${name.replace(/\./g, '-')}`;
const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function valueOf(values: FormValues, name: string): string {
  const raw = values[name];
  return (Array.isArray(raw) ? raw[0] : raw) ?? '';
}

function claim(ctx: BuilderContext, names: string[]): string[] {
  return names.flatMap((name) => {
    const found = ctx.problems.get(name);
    if (!found) return [];
    ctx.claimed.add(name);
    return found;
  });
}

function view(field: EditorField, prefix: string, ctx: BuilderContext): FieldView {
  const { t } = ctx;
  const name = join(prefix, field.name);
  const id = idFor(name);
  const base = {
    kind: field.kind,
    name,
    id,
    focusId: id,
    label: t(`admin.builder.fields.${field.name}`),
    hint:
      HINTS.has(field.name) && (!/\.\d+$/.test(prefix) || ROW_HINTS.has(field.name))
        ? t(`admin.builder.hints.${field.name}`)
        : undefined,
  };
  switch (field.kind) {
    case 'text': {
      const languages = ctx.languages.map((code) => ({
        code,
        name: nativeName(code),
        dir: directionOf(code),
        id: idFor(`${name}.${code}`),
        field: `${name}.${code}`,
        value: valueOf(ctx.values, `${name}.${code}`),
      }));
      return {
        ...base,
        focusId: languages[0]?.id ?? id,
        optional: field.optional,
        multiline: field.multiline,
        languages,
        errors: claim(ctx, [name, ...ctx.languages.map((l) => `${name}.${l}`)]),
      };
    }
    case 'key':
    case 'integer':
      return {
        ...base,
        optional: 'optional' in field ? field.optional : undefined,
        value: valueOf(ctx.values, name),
        errors: claim(ctx, [name]),
      };
    case 'flag':
      return { ...base, checked: valueOf(ctx.values, name) !== '', errors: claim(ctx, [name]) };
    case 'choice':
      return {
        ...base,
        value: valueOf(ctx.values, name) || (field.values[0] ?? ''),
        choices: field.values.map((value) => ({
          value,
          label: t(`admin.builder.choices.${field.name}.${value}`),
        })),
        errors: claim(ctx, [name]),
      };
    case 'list': {
      const present = rowsIn(ctx.values, name);
      const count =
        Math.max(present, present === 0 ? (STARTING_ROWS[field.name] ?? 1) : 0) +
        (ctx.grow === name ? 1 : 0);
      const rows: RowView[] = [];
      for (let i = 0; i < count; i++) {
        const row = `${name}.${i}`;
        rows.push({
          legend: t(`admin.builder.items.${field.name}`, { n: i + 1 }),
          id: idFor(row),
          removeField: `${row}.${REMOVE}`,
          removeId: idFor(`${row}.${REMOVE}`),
          removed: valueOf(ctx.values, `${row}.${REMOVE}`) !== '',
          fields: field.item.map((f) => view(f, row, ctx)),
        });
      }
      const errors = claim(ctx, [name, ...rows.map((_r, i) => `${name}.${i}`)]);
      return {
        ...base,
        focusId: rows[0]?.fields[0]?.focusId ?? `${id}-add`,
        rows,
        errors,
      };
    }
    case 'group': {
      const fields = field.fields.map((f) => view(f, name, ctx));
      return {
        ...base,
        focusId: fields[0]?.focusId ?? id,
        optional: field.optional,
        fields,
        errors: claim(ctx, [name]),
      };
    }
    case 'condition': {
      const errors = claim(
        ctx,
        [...ctx.problems.keys()].filter((n) => n === name || n.startsWith(`${name}.`)),
      );
      return {
        ...base,
        focusId: idFor(`${name}.question`),
        targets: ctx.targets,
        condition: {
          question: valueOf(ctx.values, `${name}.question`),
          item: valueOf(ctx.values, `${name}.item`),
          mode: valueOf(ctx.values, `${name}.mode`) || 'anyOf',
          values: valueOf(ctx.values, `${name}.values`),
        },
        errors,
      };
    }
  }
}

/**
 * The views of a form's fields. Tick boxes next to each other (required, dimension...) are
 * grouped under one legend, as a lone checkbox would have no question to answer.
 */
export function fieldViews(fields: EditorField[], ctx: BuilderContext): FieldView[] {
  const out: FieldView[] = [];
  for (const field of fields) {
    const v = view(field, '', ctx);
    const last = out[out.length - 1];
    if (v.kind !== 'flag') out.push(v);
    else if (last?.kind === 'group' && last.name === '') last.fields?.push(v);
    else
      out.push({
        kind: 'group',
        name: '',
        id: `${v.id}-group`,
        focusId: v.id,
        label: ctx.t('admin.builder.fields.answerSettings'),
        errors: [],
        fields: [v],
      });
  }
  return out;
}

/** A problem in the coordinator's language, when it has a code; else the English original. */
export function problemText(t: Translate, problem: DefinitionError): string {
  return problem.code ? t(`definition.${problem.code}`, problem.vars ?? {}) : problem.message;
}

/**
 * Problems of a definition by builder field name: `$.sections[1].questions[0].options[2].label`
 * under `$.sections[1].questions[0]` is `options.2.label`. Problems elsewhere are left out.
 */
export function problemsUnder(
  t: Translate,
  base: string,
  problems: DefinitionError[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const problem of problems) {
    if (
      problem.path !== base &&
      !problem.path.startsWith(`${base}.`) &&
      !problem.path.startsWith(`${base}[`)
    )
      continue;
    const name = problem.path
      .slice(base.length)
      .replace(/\[(\d+)\]/g, '.$1')
      .replace(/^\./, '');
    const list = out.get(name) ?? [];
    list.push(problemText(t, problem));
    out.set(name, list);
  }
  return out;
}

/** Links for an error summary: every problem, beside the field it belongs to. */
export function summaryOf(
  fields: FieldView[],
  ctx: BuilderContext,
  firstId: string,
): { href: string; text: string }[] {
  const out: { href: string; text: string }[] = [];
  const walk = (list: FieldView[], path: string[]) => {
    for (const f of list) {
      const label = [...path, f.label].join(' – ');
      for (const e of f.errors) out.push({ href: `#${f.focusId}`, text: `${label}: ${e}` });
      for (const row of f.rows ?? []) walk(row.fields, [...path, row.legend]);
      walk(f.fields ?? [], [...path, f.label]);
    }
  };
  walk(fields, []);
  for (const [name, messages] of ctx.problems) {
    if (ctx.claimed.has(name)) continue;
    for (const m of messages) out.push({ href: `#${firstId}`, text: m });
  }
  return out;
}
