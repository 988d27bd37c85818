import type { Db } from './knex.js';

export type Role = 'admin' | 'coordinator' | 'analyst';

export interface Account {
  id: string;
  email: string;
  role: Role;
  countries: string[];
  disabled: boolean;
  hasPassword: boolean;
}

interface Row {
  id: string;
  email: string;
  role: Role;
  countries: string[];
  disabled: boolean;
  password_hash: string | null;
}

const toAccount = (row: Row): Account => ({
  id: row.id,
  email: row.email,
  role: row.role,
  countries: row.countries,
  disabled: row.disabled,
  hasPassword: row.password_hash !== null,
});

export function accountRepository(db: Db) {
  return {
    async create(account: {
      email: string;
      role: Role;
      countries: string[];
      passwordHash?: string;
    }): Promise<Account> {
      const [row] = (await db('accounts')
        .insert({
          email: account.email.toLowerCase(),
          role: account.role,
          countries: account.countries,
          password_hash: account.passwordHash ?? null,
        })
        .returning('*')) as Row[];
      return toAccount(row!);
    },

    async findById(id: string): Promise<Account | undefined> {
      const row = (await db('accounts').where('id', id).first()) as Row | undefined;
      return row && toAccount(row);
    },

    /** The account and its password hash, for signing in. */
    async findForSignIn(
      email: string,
    ): Promise<(Account & { passwordHash: string | null }) | undefined> {
      const row = (await db('accounts').where('email', email.toLowerCase()).first()) as
        Row | undefined;
      return row && { ...toAccount(row), passwordHash: row.password_hash };
    },

    async passwordHash(id: string): Promise<string | null> {
      const row = (await db('accounts').where('id', id).select('password_hash').first()) as
        Row | undefined;
      return row?.password_hash ?? null;
    },

    async list(): Promise<Account[]> {
      const rows = (await db('accounts').orderBy([{ column: 'email' }, { column: 'id' }])) as Row[];
      return rows.map(toAccount);
    },

    async setPassword(id: string, passwordHash: string): Promise<void> {
      await db('accounts')
        .where('id', id)
        .update({ password_hash: passwordHash, updated_at: db.fn.now() });
    },

    async setDisabled(id: string, disabled: boolean): Promise<boolean> {
      return (
        (await db('accounts').where('id', id).update({ disabled, updated_at: db.fn.now() })) > 0
      );
    },

    async count(): Promise<number> {
      const row = (await db('accounts').count('* as n').first()) as { n: string } | undefined;
      return Number(row?.n ?? 0);
    },

    async addToken(tokenHash: string, accountId: string, days: number): Promise<void> {
      await db('account_tokens').insert({
        token_hash: tokenHash,
        account_id: accountId,
        expires_at: db.raw('now() + make_interval(days => ?)', [days]),
      });
    },

    /** Uses up a set-password token: returns its account, or nothing when unknown or expired. */
    async takeToken(tokenHash: string): Promise<string | undefined> {
      const [row] = (await db('account_tokens')
        .where('token_hash', tokenHash)
        .andWhere('expires_at', '>', db.fn.now())
        .delete()
        .returning('account_id')) as { account_id: string }[];
      return row?.account_id;
    },

    /** The account a live set-password token belongs to, without using the token up. */
    async tokenAccount(tokenHash: string): Promise<string | undefined> {
      const row = (await db('account_tokens')
        .where('token_hash', tokenHash)
        .andWhere('expires_at', '>', db.fn.now())
        .first('account_id')) as { account_id: string } | undefined;
      return row?.account_id;
    },
  };
}

export type AccountRepository = ReturnType<typeof accountRepository>;
