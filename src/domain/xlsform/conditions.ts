import type { Condition } from '../questionnaire/common.js';
import type { QuestionDraft, SectionDraft, GroupDraft } from './drafts.js';
import { parseRelevant } from './expressions.js';
import type { ReportItem } from './sheets.js';

/**
 * Turns `relevant` expressions into display conditions. Consulta shows one section per page and a
 * condition may only test an earlier section; one condition per question, so when a group and
 * its question both have one, the innermost is kept and the others reported.
 */
export function resolveConditions(
  sections: SectionDraft[],
  byName: Map<string, QuestionDraft>,
  report: ReportItem[],
): void {
  const position = new Map(sections.map((s, i) => [s, i]));

  function resolve(
    expression: string,
    at: { row: number; name: string; section: SectionDraft },
  ): Condition | undefined {
    const fail = (messageKey: string, vars: ReportItem['vars'] = {}) => {
      report.push({
        sheet: 'survey',
        row: at.row,
        messageKey,
        vars: { name: at.name, expression, ...vars },
      });
      return undefined;
    };
    const parsed = parseRelevant(expression);
    if (!parsed) return fail('relevantNotUnderstood');
    const target = byName.get(parsed.name);
    const targetAt = target ? position.get(target.section) : undefined;
    if (!target || targetAt === undefined)
      return fail('relevantUnknownQuestion', { target: parsed.name });
    if (targetAt >= (position.get(at.section) ?? 0))
      return fail('relevantNotEarlier', { target: parsed.name });
    if (target.question.type === 'number') return fail('relevantNumber', { target: parsed.name });
    if (!target.choices || target.question.type === 'ranking')
      return fail('relevantNotTestable', { target: parsed.name });
    const values: string[] = [];
    for (const value of parsed.values) {
      const key = target.choices.keyOf.get(value);
      if (key === undefined) return fail('relevantUnknownValue', { target: parsed.name, value });
      values.push(key);
    }
    return { question: String(target.question.key), [parsed.mode]: values };
  }

  const ofGroup = new Map<GroupDraft, Condition | undefined>();
  const groupCondition = (group: GroupDraft) => {
    if (!ofGroup.has(group)) ofGroup.set(group, resolve(group.relevant, group));
    return ofGroup.get(group);
  };

  for (const section of sections) {
    for (const draft of section.questions) {
      const found: { expression: string; condition: Condition }[] = [];
      for (const group of draft.groups.filter((g) => g.relevant)) {
        const condition = groupCondition(group);
        if (condition) found.push({ expression: group.relevant, condition });
      }
      const own = draft.relevant ? resolve(draft.relevant, draft) : undefined;
      if (own) found.push({ expression: draft.relevant, condition: own });
      for (const dropped of found.slice(0, -1))
        report.push({
          sheet: 'survey',
          row: draft.row,
          messageKey: 'conditionsNotCombined',
          vars: { name: draft.name, expression: dropped.expression },
        });
      const kept = found.at(-1);
      if (kept) draft.question.condition = kept.condition;
    }
  }
}
