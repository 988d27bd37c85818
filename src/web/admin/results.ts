import type { Response } from 'express';
import { z } from 'zod';
import type { ProtectedCell, ProtectedTable } from '../../domain/disclosure/index.js';
import { nativeName, type LanguageCode } from '../../domain/languages.js';
import { typeOf } from '../../domain/question-types/registry.js';
import type { LocalizedText } from '../../domain/questionnaire/common.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import { LANGUAGE } from '../../domain/results.js';
import type { Deps } from '../../deps.js';
import type { QuestionnaireResults } from '../../services/results.js';
import { badRequest } from '../errors.js';
import { accountOf, type AdminRoute } from './access.js';

const resultsQuery = z.object({ by: z.string().max(70).optional() }).strict();

interface Text {
  text: string;
  lang: string;
}

/** What a protected cell shows: a number, "<k", or a mark for a number hidden on purpose. */
function cellView(cell: ProtectedCell | undefined, k: number, format: (n: number) => string) {
  if (!cell || cell.value === null) {
    const flag = cell?.flag ?? 'c';
    return { text: flag === 'c' ? `<${format(k)}` : '×', flag, percent: '', share: null };
  }
  return {
    text: format(cell.value),
    flag: cell.flag,
    percent: cell.percent === null ? '' : `${format(cell.percent)} %`,
    /** The percentage as a number, for charts. */
    share: cell.percent,
  };
}

/** Results pages of the coordinator area: protected tables per question, with a breakdown. */
export function resultRoutes(deps: Deps): AdminRoute[] {
  function view(res: Response, results: QuestionnaireResults) {
    const lang = res.locals.lang as LanguageCode;
    const doc = results.definition;
    const t = res.locals.t;
    // One formatter per language (locale middleware): making one per cell cost most of the page.
    const format = res.locals.num as (n: number) => string;
    const text = (value: LocalizedText | undefined, fallback = ''): Text =>
      value ? resolveText(value, lang, doc.defaultLanguage) : { text: fallback, lang };
    const k = results.policy.threshold;
    const dimension = results.dimensions.find((d) => d.key === results.by);
    const groupLabel = (group: string): Text => {
      if (group === '') return { text: t('admin.results.everyone'), lang };
      if (results.by === LANGUAGE) return { text: nativeName(group as LanguageCode), lang: group };
      const spec = dimension
        ? typeOf(dimension)
            .results(dimension)[0]
            ?.values.find((v) => v.key === group)
        : undefined;
      return spec ? text(spec.label, spec.text ?? group) : { text: group, lang };
    };
    const table = (values: { key: string; label: Text }[], protectedTable: ProtectedTable) => ({
      groups: protectedTable.groups.map((g) => ({
        key: g,
        label: groupLabel(g),
        total: cellView(protectedTable.totals[g], k, format),
      })),
      rows: values.map((v) => ({
        label: v.label,
        cells: protectedTable.groups.map((g) =>
          cellView(protectedTable.cells[v.key]?.[g], k, format),
        ),
      })),
    });
    return {
      title: text(doc.title),
      slug: results.slug,
      status: results.status,
      k,
      by: results.by,
      breakdowns: [
        { value: '', label: t('admin.results.noBreakdown') },
        { value: LANGUAGE, label: t('admin.results.byLanguage') },
        ...results.dimensions.map((d) => ({ value: d.key, label: text(d.text).text })),
      ],
      responses: table(
        [{ key: 'all', label: { text: t('admin.results.responses'), lang } }],
        results.responses,
      ),
      weeks: table(
        results.weeks.values.map((w) => ({ key: w, label: { text: w, lang } })),
        results.weeks,
      ),
      questions: results.questions.map(({ question, tables }) => ({
        key: question.key,
        text: text(question.text),
        tables: tables.map(({ spec, table: protectedTable }) => ({
          label: spec.label ? text(spec.label) : undefined,
          ...table(
            spec.values.map((v) => ({ key: v.key, label: text(v.label, v.text ?? v.key) })),
            protectedTable,
          ),
        })),
      })),
    };
  }

  // The results service hands out the same object until the numbers change, so its view model
  // is made once per language: formatting thousands of cells is most of a page's cost.
  const views = new WeakMap<QuestionnaireResults, Map<string, ReturnType<typeof view>>>();
  function cachedView(res: Response, results: QuestionnaireResults) {
    const lang = res.locals.lang as string;
    let byLang = views.get(results);
    if (!byLang) views.set(results, (byLang = new Map()));
    let model = byLang.get(lang);
    if (!model) byLang.set(lang, (model = view(res, results)));
    return model;
  }

  return [
    {
      method: 'get',
      path: '/questionnaires/:slug/results',
      access: 'signed-in',
      handler: async (req, res) => {
        const query = resultsQuery.safeParse(req.query);
        if (!query.success) throw badRequest();
        const results = await deps.results.results(
          accountOf(res),
          String(req.params.slug),
          query.data.by ?? '',
        );
        // A copy: res.render writes into the object it is given.
        res.render('pages/admin/results', { ...cachedView(res, results) });
      },
    },
  ];
}
