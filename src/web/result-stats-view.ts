import type { ProtectedTable } from '../domain/disclosure/index.js';
import type { LanguageCode } from '../domain/languages.js';
import type { ResultSpec, TableStatisticSpec } from '../domain/question-types/types.js';
import type { LocalizedText } from '../domain/questionnaire/common.js';
import { byMeanRank, type Statistic, type TableStatistic } from '../domain/result-stats.js';

/** A text and the language it is in (the page's, or a fallback of the questionnaire). */
export interface Text {
  text: string;
  lang: string;
}

/** What the statistics views need from the results view: the language and its texts. */
export interface StatsContext {
  lang: LanguageCode;
  t: (key: string, vars?: Record<string, unknown>) => string;
  text: (value: LocalizedText | undefined, fallback?: string) => Text;
  groupLabel: (group: string) => Text;
}

type Kind = TableStatisticSpec['kind'] | 'percent';

/**
 * Numbers of statistics for the page language: net scores whole with their sign, mean ranks with
 * one decimal, percentages whole as the tables write them.
 */
export function statisticFormat(kind: Kind, lang: LanguageCode): (n: number) => string {
  if (kind === 'net-score') {
    const net = new Intl.NumberFormat(lang, {
      signDisplay: 'exceptZero',
      maximumFractionDigits: 0,
    });
    return (n) => net.format(n);
  }
  if (kind === 'mean-rank') {
    const mean = new Intl.NumberFormat(lang, {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    return (n) => mean.format(n);
  }
  const whole = new Intl.NumberFormat(lang);
  return (n) => `${whole.format(n)} %`;
}

/**
 * What a statistic shows: its number, or why it is not available, in full or (in a table's
 * cell, explained by the table's legend) in a word or two.
 */
export function statisticView(
  statistic: Statistic,
  format: (n: number) => string,
  t: (key: string) => string,
  brief = false,
) {
  if (statistic.value === null) {
    const why = `admin.results.stats.${brief ? 'short' : 'unavailable'}.${statistic.unavailable}`;
    return { text: t(why), available: false, value: null };
  }
  return { text: format(statistic.value), available: true, value: statistic.value };
}

/** Texts joined as a list of the page language ("A, B and C"), each keeping its own language. */
function listOf(items: Text[], lang: LanguageCode): Text[] {
  let element = 0;
  return new Intl.ListFormat(lang, { type: 'conjunction' })
    .formatToParts(items.map((i) => i.text))
    .map((part) =>
      part.type === 'element' ? (items[element++] as Text) : { text: part.value, lang },
    );
}

/** Which answers make the halves of a net score, and which are left out, as lists of labels. */
function halvesOf(spec: ResultSpec, ctx: StatsContext) {
  const wanted = spec.statistic;
  if (wanted?.kind !== 'net-score') return null;
  const labels = (keys: string[]) =>
    listOf(
      keys.map((key) => {
        const value = spec.values.find((v) => v.key === key);
        return ctx.text(value?.label, value?.text ?? key);
      }),
      ctx.lang,
    );
  const onScale = [...wanted.lower, ...wanted.middle, ...wanted.upper];
  return {
    upper: labels(wanted.upper),
    lower: labels(wanted.lower),
    middle: labels(wanted.middle),
    leftOut: labels(spec.values.map((v) => v.key).filter((key) => !onScale.includes(key))),
  };
}

type MeasuredTable = { spec: ResultSpec; table: ProtectedTable; statistic: TableStatistic };

/**
 * A question's statistics as one table: a row per table of the question (the statement, matrix
 * row or ranked option), a column per group; ranked options from the lowest mean rank of
 * everyone. Null for a question without statistics.
 */
export function summaryView(
  question: { text: LocalizedText },
  tables: { spec: ResultSpec; table: ProtectedTable; statistic: TableStatistic | null }[],
  ctx: StatsContext,
) {
  const measured = tables.filter((x): x is MeasuredTable => x.statistic !== null);
  const first = measured[0];
  if (!first) return null;
  const kind = first.statistic.kind;
  const groups = first.table.groups;
  const format = statisticFormat(kind, ctx.lang);
  const missing: Statistic = { value: null, unavailable: 'hidden' };
  const rows =
    kind === 'mean-rank'
      ? byMeanRank(measured, (x) => x.statistic.groups[''] ?? missing)
      : measured;
  return {
    kind,
    groups: groups.map((g) => ({ key: g, label: ctx.groupLabel(g) })),
    rows: rows.map(({ spec, statistic }) => ({
      label: spec.label ? ctx.text(spec.label) : ctx.text(question.text),
      cells: groups.map((g) => statisticView(statistic.groups[g] ?? missing, format, ctx.t, true)),
    })),
    halves: halvesOf(first.spec, ctx),
    /** Ranks run from 1 to this (the number of ranked options), for the chart's scale. */
    positions: first.spec.values.length,
    /** Whether a cell says why its statistic is not available, so the legend is needed. */
    unavailable: rows.some(({ statistic }) =>
      groups.some((g) => (statistic.groups[g] ?? missing).value === null),
    ),
  };
}
