/**
 * The few XLSForm (XPath) expressions that map onto Consulta's rules: display conditions that
 * test one question's answer against fixed values, and number bounds. Anything else is left to
 * the caller to report.
 */

export interface ParsedRelevant {
  /** The XLSForm name of the tested question, as written in ${...}. */
  name: string;
  mode: 'anyOf' | 'noneOf';
  /** Choice names as written in the expression. */
  values: string[];
}

interface Test {
  name: string;
  value: string;
  positive: boolean;
}

const NAME = String.raw`\$\{\s*([^}\s]+)\s*\}`;
const VALUE = String.raw`(?:'([^']*)'|"([^"]*)"|(-?\d+))`;
const COMPARISON = new RegExp(String.raw`^${NAME}\s*(!=|=)\s*${VALUE}$`);
const SELECTED = new RegExp(String.raw`^selected\(\s*${NAME}\s*,\s*${VALUE}\s*\)$`);
const NOT_SELECTED = new RegExp(
  String.raw`^not\(\s*selected\(\s*${NAME}\s*,\s*${VALUE}\s*\)\s*\)$`,
);

/** Removes brackets around the whole expression: "((a))" → "a", but "(a) or (b)" stays. */
function unwrap(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && text.endsWith(')') && closingOf(text, 0) === text.length - 1)
    text = text.slice(1, -1).trim();
  return text;
}

function closingOf(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits at "or"/"and" outside brackets and quotes; the operator is undefined for one term. */
function split(expression: string): { operator: 'or' | 'and' | undefined; terms: string[] } {
  const terms: string[] = [];
  const operators = new Set<'or' | 'and'>();
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < expression.length; i += 1) {
    const c = expression[i] as string;
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (depth === 0 && /\s/.test(c)) {
      const word = /^\s+(or|and)\s+/.exec(expression.slice(i));
      if (word) {
        terms.push(expression.slice(start, i));
        operators.add(word[1] as 'or' | 'and');
        i += word[0].length - 1;
        start = i + 1;
      }
    }
  }
  terms.push(expression.slice(start));
  if (operators.size > 1) return { operator: undefined, terms: [] };
  return { operator: [...operators][0], terms: terms.map(unwrap) };
}

function test(term: string): Test | undefined {
  const comparison = COMPARISON.exec(term);
  if (comparison) {
    const [, name, operator, ...values] = comparison;
    const value = values.find((v) => v !== undefined) ?? '';
    return { name: name as string, value, positive: operator === '=' };
  }
  for (const [pattern, positive] of [
    [SELECTED, true],
    [NOT_SELECTED, false],
  ] as const) {
    const match = pattern.exec(term);
    if (match) {
      const [, name, ...values] = match;
      return { name: name as string, value: values.find((v) => v !== undefined) ?? '', positive };
    }
  }
  return undefined;
}

/**
 * `${q} = 'v'`, `selected(${q}, 'v')` and their `or` → anyOf; `${q} != 'v'`,
 * `not(selected(${q}, 'v'))` and their `and` → noneOf; always on one question.
 */
export function parseRelevant(expression: string): ParsedRelevant | undefined {
  const { operator, terms } = split(unwrap(expression));
  const tests = terms.map(test);
  if (tests.length === 0 || tests.some((t) => t === undefined)) return undefined;
  const all = tests as Test[];
  const first = all[0] as Test;
  if (all.some((t) => t.name !== first.name || t.positive !== first.positive)) return undefined;
  if (all.length > 1 && operator !== (first.positive ? 'or' : 'and')) return undefined;
  return {
    name: first.name,
    mode: first.positive ? 'anyOf' : 'noneOf',
    values: [...new Set(all.map((t) => t.value))],
  };
}

const BOUND = /^\.\s*(>=|>|<=|<)\s*(-?\d{1,9})$/;

/** `. >= 18 and . <= 120` → { min: 18, max: 120 }; `. > 17` → { min: 18 }; else undefined. */
export function parseBounds(expression: string): { min?: number; max?: number } | undefined {
  const { operator, terms } = split(unwrap(expression));
  if (terms.length === 0 || (terms.length > 1 && operator !== 'and')) return undefined;
  const bounds: { min?: number; max?: number } = {};
  for (const term of terms) {
    const match = BOUND.exec(term);
    if (!match) return undefined;
    const n = Number(match[2]);
    if (match[1] === '>=') bounds.min = n;
    else if (match[1] === '>') bounds.min = n + 1;
    else if (match[1] === '<=') bounds.max = n;
    else bounds.max = n - 1;
  }
  return bounds;
}
