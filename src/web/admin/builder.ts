import type { Request, Response } from 'express';
import { z } from 'zod';
import { COUNTRIES, countryName } from '../../domain/countries.js';
import { LANGUAGE_CODES, nativeName, type LanguageCode } from '../../domain/languages.js';
import { readFields, writeFields, type EditorField } from '../../domain/question-types/editor.js';
import { QUESTION_TYPES } from '../../domain/question-types/registry.js';
import type { FormValues } from '../../domain/question-types/types.js';
import {
  addSection,
  findQuestion,
  findSection,
  moveQuestion,
  moveSection,
  removeQuestion,
  removeSection,
  replaceSection,
  sectionEditor,
  withSettings,
  type Settings,
} from '../../domain/questionnaire/outline.js';
import type { Questionnaire, Section } from '../../domain/questionnaire/schema.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { DefinitionError } from '../../domain/questionnaire/validate.js';
import type { Deps } from '../../deps.js';
import { NotFoundError } from '../../services/errors.js';
import { accountOf, type AdminRoute } from './access.js';
import { draftOf, lang, outlineUrl, readBuilderForm, sectionIndex } from './builder-form.js';
import { fieldViews, problemsUnder, summaryOf, type BuilderContext } from './builder-view.js';
import { parseForm } from './forms.js';

const moveForm = z.object({ _csrf: z.string(), direction: z.enum(['up', 'down']) }).strict();
const deleteForm = z.object({ _csrf: z.string() }).strict();

/** The texts of the settings page, edited in every language of the questionnaire. */
const settingsTexts: EditorField[] = [
  { kind: 'text', name: 'title' },
  { kind: 'text', name: 'purpose', multiline: true },
  { kind: 'text', name: 'organiser' },
  { kind: 'text', name: 'contact', optional: true },
];

function list(form: FormValues, name: string): string[] {
  const raw = form[name];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

function one(form: FormValues, name: string): string {
  const raw = form[name];
  return ((Array.isArray(raw) ? raw[0] : raw) ?? '').trim();
}

/** The outline of a questionnaire, its settings and its sections in the builder. */
export function builderRoutes(deps: Deps): AdminRoute[] {
  function context(
    res: Response,
    languages: readonly LanguageCode[],
    values: FormValues,
    problems: Map<string, string[]>,
    grow?: string,
  ): BuilderContext {
    return {
      t: res.locals.t,
      languages,
      values,
      problems,
      grow,
      targets: [],
      claimed: new Set(),
    };
  }

  function countriesFor(res: Response, selected: string) {
    const account = accountOf(res);
    const codes = account.role === 'admin' ? COUNTRIES : account.countries;
    return codes.map((code) => ({
      code,
      name: countryName(code, lang(res)),
      selected: code === selected,
    }));
  }

  const languageChoices = (chosen: readonly string[]) =>
    LANGUAGE_CODES.map((code) => ({
      code,
      name: nativeName(code),
      checked: chosen.includes(code),
    }));

  /** The outline, with the problems of a refused move or deletion. */
  async function renderOutline(
    res: Response,
    slug: string,
    problems?: DefinitionError[],
    flags: Record<string, boolean> = {},
  ) {
    const { q, doc } = await draftOf(deps, res, slug);
    const t = res.locals.t;
    const text = (value: Questionnaire['title']) =>
      resolveText(value, lang(res), doc.defaultLanguage);
    res.status(problems ? 400 : 200).render('pages/admin/builder', {
      q,
      doc,
      title: text(doc.title),
      country: countryName(doc.country, lang(res)),
      languages: doc.languages.map((code) => ({ code, name: nativeName(code) })),
      sections: doc.sections.map((s) => ({
        key: s.key,
        title: text(s.title),
        questions: s.questions.map((question) => ({
          key: question.key,
          type: question.type,
          text: text(question.text),
          required: question.required,
          conditional: question.condition !== undefined,
        })),
      })),
      types: QUESTION_TYPES,
      problems: problems && {
        heading: t('admin.builder.refused'),
        errors: problems,
      },
      flags,
    });
  }

  /** The create and settings pages share one form. */
  function renderSettings(
    res: Response,
    options: {
      doc?: Questionnaire;
      values: FormValues;
      problems?: DefinitionError[];
    },
  ) {
    const { doc, values } = options;
    const creating = doc === undefined;
    const problems = problemsUnder(res.locals.t, '$', options.problems ?? []);
    const ctx = context(res, creating ? [] : doc.languages, values, problems);
    const texts = creating ? [] : fieldViews(settingsTexts, ctx);
    const simple = creating
      ? ['slug', 'country', 'languages', 'defaultLanguage', 'mode', 'title', 'purpose', 'organiser']
      : ['country', 'languages', 'defaultLanguage', 'mode'];
    const simpleErrors: Record<string, string[]> = Object.fromEntries(
      [
        'slug',
        'country',
        'languages',
        'defaultLanguage',
        'mode',
        'title',
        'purpose',
        'organiser',
      ].map((name) => [name, []]),
    );
    for (const [name, messages] of problems) {
      const owner = simple.find((s) => name === s || name.startsWith(`${s}.`));
      if (!owner || ctx.claimed.has(name)) continue;
      ctx.claimed.add(name);
      simpleErrors[owner]?.push(...messages);
    }
    const ids: Record<string, string> = {
      slug: 'slug',
      country: 'country',
      languages: `languages-${LANGUAGE_CODES[0]}`,
      defaultLanguage: 'defaultLanguage',
      mode: 'mode-open',
      title: 'title',
      purpose: 'purpose',
      organiser: 'organiser',
    };
    const summary = [
      ...Object.entries(simpleErrors).flatMap(([name, messages]) =>
        messages.map((m) => ({
          href: `#${ids[name]}`,
          text: `${res.locals.t(`admin.builder.fields.${name}`)}: ${m}`,
        })),
      ),
      ...summaryOf(texts, ctx, 'country'),
    ];
    const chosen = list(values, 'languages');
    res.status(options.problems ? 400 : 200).render('pages/admin/builder-settings', {
      creating,
      slug: creating ? one(values, 'slug') : doc.slug,
      values,
      countries: countriesFor(res, one(values, 'country')),
      languages: languageChoices(chosen),
      defaultLanguage: one(values, 'defaultLanguage'),
      mode: one(values, 'mode') || 'open',
      texts,
      errors: simpleErrors,
      summary,
    });
  }

  function settingsValues(doc: Questionnaire): FormValues {
    return {
      country: doc.country,
      languages: [...doc.languages],
      defaultLanguage: doc.defaultLanguage,
      mode: doc.mode,
      ...writeFields(settingsTexts, doc),
    };
  }

  function readSettings(form: FormValues, languages: readonly LanguageCode[]): Settings {
    return {
      country: one(form, 'country'),
      languages: list(form, 'languages') as LanguageCode[],
      defaultLanguage: one(form, 'defaultLanguage') as LanguageCode,
      mode: one(form, 'mode') as Settings['mode'],
      ...(readFields(settingsTexts, form, '', languages) as Pick<
        Settings,
        'title' | 'purpose' | 'organiser' | 'contact'
      >),
    };
  }

  function renderSection(
    res: Response,
    options: {
      slug: string;
      doc: Questionnaire;
      key?: string;
      values: FormValues;
      problems?: DefinitionError[];
      base?: string;
    },
  ) {
    const problems = problemsUnder(res.locals.t, options.base ?? '$.none', options.problems ?? []);
    for (const name of [...problems.keys()])
      if (name.startsWith('questions')) problems.delete(name);
    const ctx = context(res, options.doc.languages, options.values, problems);
    const fields = fieldViews(sectionEditor, ctx);
    res.status(options.problems ? 400 : 200).render('pages/admin/builder-section', {
      slug: options.slug,
      key: options.key,
      fields,
      summary: summaryOf(fields, ctx, fields[0]?.focusId ?? 'main'),
    });
  }

  /**
   * A move or deletion from the outline: one form, one change applied by the coordination
   * service (which reads the questionnaire once), then the outline again.
   */
  function outlineChange<F extends z.ZodType>(
    path: string,
    form: F,
    plan: (
      req: Request,
      form: z.infer<F>,
    ) => {
      change: (doc: Questionnaire) => Questionnaire;
      details: Record<string, unknown>;
      anchor: string;
      flag: string;
    },
  ): AdminRoute {
    return {
      method: 'post',
      path,
      access: 'editor',
      handler: async (req, res) => {
        const slug = slugOf(req);
        const step = plan(req, parseForm(form, req.body));
        const result = await deps.coordination.edit(
          accountOf(res),
          slug,
          step.change,
          step.details,
        );
        if (!result.ok) return renderOutline(res, slug, result.errors);
        res.redirect(303, outlineUrl(slug, step.anchor, step.flag));
      },
    };
  }

  const slugOf = (req: Request) => String(req.params.slug);
  /** The definition unchanged, when it has the section or question the address names. */
  const withSection = (doc: Questionnaire, key: string) => {
    if (findSection(doc, key) === undefined) throw new NotFoundError(`section ${key}`);
    return doc;
  };
  const withQuestion = (doc: Questionnaire, key: string) => {
    if (!findQuestion(doc, key)) throw new NotFoundError(`question ${key}`);
    return doc;
  };
  const sectionOf = (req: Request) => String(req.params.section);

  return [
    {
      method: 'get',
      path: '/questionnaires/new',
      access: 'editor',
      handler: (_req, res) => {
        const account = accountOf(res);
        const country = account.role === 'admin' ? '' : (account.countries[0] ?? '');
        renderSettings(res, {
          values: { country, languages: [lang(res)], defaultLanguage: lang(res), mode: 'open' },
        });
      },
    },
    {
      method: 'post',
      path: '/questionnaires/new',
      access: 'editor',
      handler: async (req, res) => {
        const form = readBuilderForm(req.body);
        const slug = one(form, 'slug');
        const defaultLanguage = one(form, 'defaultLanguage') as LanguageCode;
        const inDefault = (name: string) => {
          const value = one(form, name);
          return value ? { [defaultLanguage]: value } : undefined;
        };
        const result = await deps.coordination.create(accountOf(res), {
          schemaVersion: 1,
          slug,
          country: one(form, 'country'),
          languages: list(form, 'languages'),
          defaultLanguage,
          mode: one(form, 'mode'),
          title: inDefault('title'),
          purpose: inDefault('purpose'),
          organiser: inDefault('organiser'),
          sections: [],
        });
        if (!result.ok) return renderSettings(res, { values: form, problems: result.errors });
        res.redirect(303, outlineUrl(result.slug, '', 'created'));
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/edit',
      access: 'editor',
      handler: async (req, res) => {
        const flags = Object.fromEntries(
          ['created', 'saved', 'moved', 'deleted'].map((f) => [f, req.query[f] === '1']),
        );
        await renderOutline(res, slugOf(req), undefined, flags);
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/settings',
      access: 'editor',
      handler: async (req, res) => {
        const { doc } = await draftOf(deps, res, slugOf(req));
        renderSettings(res, { doc, values: settingsValues(doc) });
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/settings',
      access: 'editor',
      handler: async (req, res) => {
        const form = readBuilderForm(req.body);
        const slug = slugOf(req);
        const { doc } = await draftOf(deps, res, slug);
        const settings = readSettings(form, doc.languages);
        const result = await deps.coordination.edit(
          accountOf(res),
          slug,
          (d) => withSettings(d, settings),
          { change: 'settings' },
        );
        if (!result.ok) return renderSettings(res, { doc, values: form, problems: result.errors });
        res.redirect(303, outlineUrl(slug, '', 'saved'));
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/sections/new',
      access: 'editor',
      handler: async (req, res) => {
        const { doc } = await draftOf(deps, res, slugOf(req));
        renderSection(res, { slug: doc.slug, doc, values: {} });
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/sections/new',
      access: 'editor',
      handler: async (req, res) => {
        const form = readBuilderForm(req.body);
        const slug = slugOf(req);
        const { doc } = await draftOf(deps, res, slug);
        const section: Record<string, unknown> = {
          ...readFields(sectionEditor, form, '', doc.languages),
          questions: [],
        };
        const result = await deps.coordination.edit(
          accountOf(res),
          slug,
          (d) => addSection(d, section as unknown as Section),
          { change: 'section-add', key: section.key },
        );
        if (!result.ok) {
          const base = `$.sections[${doc.sections.length}]`;
          return renderSection(res, { slug, doc, values: form, problems: result.errors, base });
        }
        res.redirect(303, outlineUrl(slug, `s-${String(section.key)}`, 'saved'));
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/sections/:section',
      access: 'editor',
      handler: async (req, res) => {
        const { doc } = await draftOf(deps, res, slugOf(req));
        const section = doc.sections[sectionIndex(doc, sectionOf(req))] as Section;
        renderSection(res, {
          slug: doc.slug,
          doc,
          key: section.key,
          values: writeFields(sectionEditor, section),
        });
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/sections/:section',
      access: 'editor',
      handler: async (req, res) => {
        const form = readBuilderForm(req.body);
        const slug = slugOf(req);
        const key = sectionOf(req);
        const { doc } = await draftOf(deps, res, slug);
        const index = sectionIndex(doc, key);
        const fields = readFields(sectionEditor, form, '', doc.languages);
        const result = await deps.coordination.edit(
          accountOf(res),
          slug,
          (d) => replaceSection(d, key, fields as unknown as Omit<Section, 'questions'>),
          { change: 'section-edit', key },
        );
        if (!result.ok) {
          const base = `$.sections[${index}]`;
          return renderSection(res, {
            slug,
            doc,
            key,
            values: form,
            problems: result.errors,
            base,
          });
        }
        res.redirect(303, outlineUrl(slug, `s-${String(fields.key)}`, 'saved'));
      },
    },
    outlineChange('/questionnaires/:slug/sections/:section/move', moveForm, (req, form) => {
      const key = sectionOf(req);
      return {
        change: (d) => moveSection(withSection(d, key), key, form.direction),
        details: { change: 'section-move', key, direction: form.direction },
        anchor: `s-${key}`,
        flag: 'moved',
      };
    }),
    outlineChange('/questionnaires/:slug/sections/:section/delete', deleteForm, (req) => {
      const key = sectionOf(req);
      return {
        change: (d) => removeSection(withSection(d, key), key),
        details: { change: 'section-delete', key },
        anchor: '',
        flag: 'deleted',
      };
    }),
    outlineChange('/questionnaires/:slug/questions/:question/move', moveForm, (req, form) => {
      const key = String(req.params.question);
      return {
        change: (d) => moveQuestion(withQuestion(d, key), key, form.direction),
        details: { change: 'question-move', key, direction: form.direction },
        anchor: `q-${key}`,
        flag: 'moved',
      };
    }),
    outlineChange('/questionnaires/:slug/questions/:question/delete', deleteForm, (req) => {
      const key = String(req.params.question);
      return {
        change: (d) => removeQuestion(withQuestion(d, key), key),
        details: { change: 'question-delete', key },
        anchor: '',
        flag: 'deleted',
      };
    }),
  ];
}
