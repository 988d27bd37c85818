import type { ProtectedCell, ProtectedTable } from '../domain/disclosure/index.js';
import { nativeName, type LanguageCode } from '../domain/languages.js';
import { typeOf } from '../domain/question-types/registry.js';
import type { LocalizedText } from '../domain/questionnaire/common.js';
import { resolveText } from '../domain/questionnaire/text.js';
import { LANGUAGE } from '../domain/results.js';
import type { QuestionnaireResults } from '../services/results.js';
import { numberFormat } from './middleware/locale.js';
import { statisticFormat, statisticView, summaryView, type Text } from './result-stats-view.js';

/** What a protected cell shows: a number, "<k", or a mark for a number hidden on purpose. */
export function cellView(
  cell: ProtectedCell | undefined,
  k: number,
  format: (n: number) => string,
) {
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

/**
 * What a results page shows, from protected results only. The coordinators' page and the public
 * page render this same view model, so they cannot disagree.
 */
export function resultsView(
  results: QuestionnaireResults,
  lang: LanguageCode,
  t: (key: string, vars?: Record<string, unknown>) => string,
) {
  const doc = results.definition;
  // One formatter per language (locale middleware): making one per cell cost most of the page.
  const format = numberFormat(lang);
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
    /** Responses, abandoned starts and the completion rate, for everyone. */
    overview: {
      responses: cellView(
        results.responses.cells[results.responses.values[0] ?? '']?.[''],
        k,
        format,
      ),
      abandoned: cellView(results.abandoned, k, format),
      completion: statisticView(results.completion, statisticFormat('percent', lang), t),
    },
    questions: results.questions.map(({ question, tables }) => ({
      key: question.key,
      text: text(question.text),
      /** Net scores or mean ranks, when the question's type has them. */
      summary: summaryView(question, tables, { lang, t, text, groupLabel }),
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

interface KeptView {
  model: ReturnType<typeof resultsView>;
  /** Rendered HTML of the page's parts that depend on nothing but the model and the language. */
  fragments: Map<string, string>;
}

// The results service hands out the same object until the numbers change, so its view model is
// made once per language, and the HTML of its tables rendered once: formatting and rendering
// thousands of cells is most of a page's cost (a breakdown by country is 650 kB of HTML).
const views = new WeakMap<QuestionnaireResults, Map<string, KeptView>>();

/**
 * resultsView, kept per results object and language; a copy, as res.render writes into it. Its
 * `keep(name, render)` gives the HTML `render` returns, rendered the first time only: for parts
 * of the page that depend on the model, the language and `name` alone (never on the reader, a
 * CSRF token or a nonce).
 */
export function cachedResultsView(
  results: QuestionnaireResults,
  lang: LanguageCode,
  t: (key: string, vars?: Record<string, unknown>) => string,
): ReturnType<typeof resultsView> & { keep: (name: string, render: () => string) => string } {
  let byLang = views.get(results);
  if (!byLang) views.set(results, (byLang = new Map()));
  let kept = byLang.get(lang);
  if (!kept)
    byLang.set(lang, (kept = { model: resultsView(results, lang, t), fragments: new Map() }));
  const { fragments } = kept;
  return {
    ...kept.model,
    keep(name, render) {
      let html = fragments.get(name);
      if (html === undefined) fragments.set(name, (html = render()));
      return html;
    },
  };
}
