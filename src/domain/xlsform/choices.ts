import type { LocalizedText } from '../questionnaire/common.js';
import { KeyAllocator, toKey } from './keys.js';
import { cell, type ReportItem, type SheetRow } from './sheets.js';
import type { Texts } from './texts.js';

export interface ChoiceList {
  options: { key: string; label: LocalizedText }[];
  /** Choice name as written in the spreadsheet → option key. */
  keyOf: Map<string, string>;
}

/** The choices sheet as lists by list_name; names become keys ("1" → "c_1"). */
export function readChoices(
  rows: SheetRow[],
  texts: Texts,
  report: ReportItem[],
): Map<string, ChoiceList> {
  const lists = new Map<string, ChoiceList & { keys: KeyAllocator }>();
  for (const row of rows) {
    const listName = cell(row, 'list_name');
    const name = cell(row, 'name');
    if (!listName || !name) {
      report.push({ sheet: 'choices', row: row.row, messageKey: 'choiceIncomplete', vars: {} });
      continue;
    }
    let list = lists.get(listName);
    if (!list) {
      list = { options: [], keyOf: new Map(), keys: new KeyAllocator() };
      lists.set(listName, list);
    }
    if (list.keyOf.has(name)) {
      report.push({
        sheet: 'choices',
        row: row.row,
        messageKey: 'choiceTwice',
        vars: { list: listName, name },
      });
      continue;
    }
    const { key, duplicate } = list.keys.take(toKey(name, 'c_'));
    if (key !== name)
      report.push({
        sheet: 'choices',
        row: row.row,
        messageKey: duplicate ? 'duplicateKey' : 'renamed',
        vars: { name, key },
      });
    let label = texts.of(row, 'label');
    if (Object.keys(label).length === 0) {
      label = { [texts.defaultLanguage]: name };
      report.push({
        sheet: 'choices',
        row: row.row,
        messageKey: 'choiceNoLabel',
        vars: { list: listName, name },
      });
    }
    list.keyOf.set(name, key);
    list.options.push({ key, label });
  }
  return new Map([...lists].map(([name, { options, keyOf }]) => [name, { options, keyOf }]));
}
