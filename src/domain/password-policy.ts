/**
 * Passwords of coordinator accounts: at least 12 characters, not one of the passwords most
 * often found in breaches, not a run of one character, and not the account's own e-mail.
 * Returns the message key of the first rule broken, or undefined.
 */
const COMMON = new Set(
  [
    '123456789012',
    '1234567890123',
    '12345678901234',
    '123456789123',
    '111111111111',
    '000000000000',
    'password1234',
    'password12345',
    'password123456',
    'passwordpassword',
    'qwertyuiopas',
    'qwertyuiop12',
    'qwerty123456',
    '1q2w3e4r5t6y',
    '1qaz2wsx3edc',
    'qazwsxedcrfv',
    'iloveyou1234',
    'abcdefghijkl',
    'abc123abc123',
    'letmein12345',
    'welcome12345',
    'welcome123456',
    'administrator',
    'admin1234567',
    'adminadmin12',
    'changeme1234',
    'trustno11234',
    'football1234',
    'baseball1234',
    'superman1234',
    'sunshine1234',
    'princess1234',
    'starwars1234',
    'dragon123456',
    'monkey123456',
    'master123456',
    'computer1234',
    'michael12345',
    'whatever1234',
    'asdfghjkl123',
    'asdfasdfasdf',
    'zxcvbnm12345',
    'passw0rd1234',
    'p@ssw0rd1234',
    'p@ssword1234',
    'Password1234',
    'Password123!',
    'Passw0rd1234',
    'consulta1234',
    'consultation',
    'genomics1234',
    'europe123456',
    'summer202412',
    'winter202412',
    'qwertyqwerty',
    'aaaaaaaaaaaa',
    'correcthorsebatterystaple',
    'iloveyouiloveyou',
    'letmeinletmein',
    'hello1234567',
    'welcomewelcome',
    'mypassword12',
    'mypassword123',
    'secret123456',
    'qwerty1234567',
  ].map((p) => p.toLowerCase()),
);

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function passwordProblem(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'admin.errors.passwordShort';
  if (length > PASSWORD_MAX) return 'admin.errors.passwordLong';
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'admin.errors.passwordCommon';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'admin.errors.passwordEmail';
  return undefined;
}
