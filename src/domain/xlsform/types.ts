/** What a survey row's `type` means for Consulta. */
export type RowKind =
  | { kind: 'begin-group' }
  | { kind: 'end-group' }
  | { kind: 'begin-repeat' }
  | { kind: 'end-repeat' }
  | {
      kind: 'choice';
      type: 'single-choice' | 'multi-choice' | 'ranking';
      list: string;
      orOther: boolean;
    }
  | { kind: 'simple'; type: 'number' | 'text' | 'info' }
  /** Collected by ODK about the device, the person or the time: never by Consulta. */
  | { kind: 'metadata' }
  | { kind: 'unsupported' };

const METADATA = new Set([
  'start',
  'end',
  'today',
  'deviceid',
  'subscriberid',
  'simserial',
  'phonenumber',
  'username',
  'email',
  'audit',
  'start-geopoint',
  'background-audio',
  'calculate',
  'hidden',
]);

const SIMPLE: Record<string, 'number' | 'text' | 'info'> = {
  integer: 'number',
  int: 'number',
  text: 'text',
  string: 'text',
  note: 'info',
};

const CHOICE =
  /^(select_one|select one|select_multiple|select multiple|select all that apply|rank)\s+(\S+)(\s+or_other)?$/;

export function rowKind(type: string): RowKind {
  const text = type.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  const structure = /^(begin|end)[ _](group|repeat)$/.exec(lower);
  if (structure) return { kind: `${structure[1]}-${structure[2]}` as RowKind['kind'] } as RowKind;
  const choice = CHOICE.exec(
    text.replace(/^\S+( one| multiple| all that apply)?/i, (m) => m.toLowerCase()),
  );
  if (choice) {
    const word = choice[1] as string;
    return {
      kind: 'choice',
      type: word === 'rank' ? 'ranking' : /one/.test(word) ? 'single-choice' : 'multi-choice',
      list: choice[2] as string,
      orOther: choice[3] !== undefined,
    };
  }
  const simple = SIMPLE[lower];
  if (simple) return { kind: 'simple', type: simple };
  return METADATA.has(lower) ? { kind: 'metadata' } : { kind: 'unsupported' };
}
