import type { Request, Response } from 'express';
import { readFields, writeFields } from '../../domain/question-types/editor.js';
import { QUESTION_TYPES } from '../../domain/question-types/registry.js';
import type { Question, QuestionTypeName } from '../../domain/question-types/registry-schema.js';
import type { FormValues } from '../../domain/question-types/types.js';
import {
  addQuestion,
  findQuestion,
  questionEditor,
  replaceQuestion,
} from '../../domain/questionnaire/outline.js';
import type { Questionnaire, Section } from '../../domain/questionnaire/schema.js';
import type { DefinitionError } from '../../domain/questionnaire/validate.js';
import type { Deps } from '../../deps.js';
import { NotFoundError } from '../../services/errors.js';
import { badRequest } from '../errors.js';
import { accountOf, type AdminRoute } from './access.js';
import {
  conditionTargets,
  draftOf,
  growing,
  lang,
  outlineUrl,
  readBuilderForm,
  sectionIndex,
} from './builder-form.js';
import { fieldViews, problemsUnder, summaryOf } from './builder-view.js';

function typeFrom(value: unknown): QuestionTypeName {
  const type = String(value ?? '') as QuestionTypeName;
  if (!QUESTION_TYPES.includes(type)) throw badRequest();
  return type;
}

interface Editing {
  slug: string;
  doc: Questionnaire;
  type: QuestionTypeName;
  /** Where the question is (or will be): its section and its place there. */
  section: number;
  index: number;
  /** The key of the question being edited; none for a new one. */
  key?: string;
}

/** Adding and editing one question of any type, with its texts in every language. */
export function questionBuilderRoutes(deps: Deps): AdminRoute[] {
  function render(
    res: Response,
    editing: Editing,
    values: FormValues,
    problems: DefinitionError[] = [],
    grow?: string,
  ) {
    const { doc, type, section, index } = editing;
    const base = `$.sections[${section}].questions[${index}]`;
    const ctx = {
      t: res.locals.t,
      languages: doc.languages,
      values,
      problems: problemsUnder(res.locals.t, base, problems),
      grow,
      targets: conditionTargets(doc, section, lang(res)),
      claimed: new Set<string>(),
    };
    const fields = fieldViews(questionEditor(type), ctx);
    const sectionKey = (doc.sections[section] as Section).key;
    res.status(problems.length > 0 ? 400 : 200).render('pages/admin/builder-question', {
      slug: editing.slug,
      key: editing.key,
      type,
      action: editing.key
        ? `/admin/questionnaires/${editing.slug}/questions/${editing.key}`
        : `/admin/questionnaires/${editing.slug}/sections/${sectionKey}/questions/new`,
      fields,
      summary: summaryOf(fields, ctx, fields[0]?.focusId ?? 'main'),
    });
  }

  /** The questionnaire and section are looked up first, so another country's stay hidden. */
  async function editingNew(req: Request, res: Response, typeValue: unknown): Promise<Editing> {
    const slug = String(req.params.slug);
    const { doc } = await draftOf(deps, res, slug);
    const section = sectionIndex(doc, String(req.params.section));
    const index = (doc.sections[section] as Section).questions.length;
    return { slug, doc, type: typeFrom(typeValue), section, index };
  }

  async function editingExisting(
    req: Request,
    res: Response,
  ): Promise<Editing & { question: Question }> {
    const slug = String(req.params.slug);
    const key = String(req.params.question);
    const { doc } = await draftOf(deps, res, slug);
    const place = findQuestion(doc, key);
    if (!place) throw new NotFoundError(`question ${key}`);
    const question = (doc.sections[place.section] as Section).questions[place.index] as Question;
    return { slug, doc, type: question.type, ...place, key, question };
  }

  /** Saves the form; a refused question comes back with its problems beside its fields. */
  async function save(req: Request, res: Response, editing: Editing) {
    const form = readBuilderForm(req.body);
    const grow = growing(form);
    if (grow) return render(res, editing, form, [], grow);
    const question = {
      type: editing.type,
      ...readFields(questionEditor(editing.type), form, '', editing.doc.languages),
    } as Question;
    const sectionKey = (editing.doc.sections[editing.section] as Section).key;
    const result = await deps.coordination.edit(
      accountOf(res),
      editing.slug,
      (d) =>
        editing.key
          ? replaceQuestion(d, editing.key, question)
          : addQuestion(d, sectionKey, question),
      { change: editing.key ? 'question-edit' : 'question-add', key: question.key ?? null },
    );
    if (!result.ok) return render(res, editing, form, result.errors);
    res.redirect(303, outlineUrl(editing.slug, `q-${String(question.key)}`, 'saved'));
  }

  return [
    {
      method: 'get',
      path: '/questionnaires/:slug/sections/:section/questions/new',
      access: 'editor',
      handler: async (req, res) => {
        const editing = await editingNew(req, res, req.query.type);
        render(res, editing, { type: editing.type });
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/sections/:section/questions/new',
      access: 'editor',
      handler: async (req, res) => {
        const type = (req.body as { type?: unknown } | undefined)?.type;
        await save(req, res, await editingNew(req, res, type));
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/questions/:question',
      access: 'editor',
      handler: async (req, res) => {
        const editing = await editingExisting(req, res);
        const values = writeFields(questionEditor(editing.type), editing.question);
        render(res, editing, values);
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/questions/:question',
      access: 'editor',
      handler: async (req, res) => {
        await save(req, res, await editingExisting(req, res));
      },
    },
  ];
}
