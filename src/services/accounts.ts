import { hash, verify } from '@node-rs/argon2';
import { hashCode, newToken } from '../domain/codes.js';
import { passwordProblem } from '../domain/password-policy.js';
import type { Account, AccountRepository, Role } from '../db/accounts.js';
import type { AuditRepository } from '../db/audit.js';

export class AccountError extends Error {
  readonly status = 400;
  /** `messageKey` is translated by the view; `field` is the form field it belongs to. */
  constructor(
    readonly messageKey: string,
    readonly field: string,
  ) {
    super(messageKey);
  }
}

/** Verifying against this keeps an unknown e-mail as slow as a wrong password. */
let dummyHash: Promise<string> | undefined;

const INVITATION_DAYS = 7;

export function accountService(deps: { accounts: AccountRepository; audit: AuditRepository }) {
  const { accounts, audit } = deps;

  async function checkedHash(password: string, email: string): Promise<string> {
    const problem = passwordProblem(password, email);
    if (problem) throw new AccountError(problem, 'password');
    return hash(password);
  }

  return {
    /** The account when the password is right and the account active; the same answer otherwise. */
    async signIn(email: string, password: string): Promise<Account | undefined> {
      const found = await accounts.findForSignIn(email.trim());
      dummyHash ??= hash('a dummy password nobody has');
      const ok = await verify(found?.passwordHash ?? (await dummyHash), password).catch(
        () => false,
      );
      if (!found || !found.passwordHash || !ok || found.disabled) {
        await audit.record({
          actorId: found?.id,
          actorEmail: found?.email,
          action: 'sign-in-failed',
          details: found
            ? { reason: found.disabled ? 'disabled' : 'password' }
            : { reason: 'unknown account' },
        });
        return undefined;
      }
      await audit.record({ actorId: found.id, actorEmail: found.email, action: 'sign-in' });
      return found;
    },

    /** Creates an account with a one-time link for its holder to choose a password. */
    async invite(
      actor: Account,
      input: { email: string; role: Role; countries: string[] },
    ): Promise<{ account: Account; token: string }> {
      if (await accounts.findForSignIn(input.email))
        throw new AccountError('admin.errors.emailTaken', 'email');
      const account = await accounts.create(input);
      const token = newToken();
      await accounts.addToken(hashCode(token), account.id, INVITATION_DAYS);
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'account-create',
        target: account.email,
        details: { role: account.role, countries: account.countries },
      });
      return { account, token };
    },

    /** For the command line: an account with a password, e.g. the first administrator. */
    async createWithPassword(input: {
      email: string;
      role: Role;
      countries: string[];
      password: string;
    }): Promise<Account> {
      if (await accounts.findForSignIn(input.email))
        throw new AccountError('admin.errors.emailTaken', 'email');
      const account = await accounts.create({
        ...input,
        passwordHash: await checkedHash(input.password, input.email),
      });
      await audit.record({
        action: 'account-create',
        target: account.email,
        details: { role: account.role, by: 'command line' },
      });
      return account;
    },

    tokenValid: async (token: string) =>
      (await accounts.tokenAccount(hashCode(token))) !== undefined,

    /** Sets the password chosen through an invitation link; the link works once. */
    async setPasswordWithToken(token: string, password: string): Promise<Account | undefined> {
      const accountId = await accounts.tokenAccount(hashCode(token));
      const account = accountId === undefined ? undefined : await accounts.findById(accountId);
      if (!account) return undefined;
      const passwordHash = await checkedHash(password, account.email);
      if ((await accounts.takeToken(hashCode(token))) !== account.id) return undefined;
      await accounts.setPassword(account.id, passwordHash);
      await audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'password-set',
      });
      return account;
    },

    async changePassword(account: Account, current: string, next: string): Promise<void> {
      const stored = await accounts.passwordHash(account.id);
      if (!stored || !(await verify(stored, current).catch(() => false))) {
        throw new AccountError('admin.errors.currentPasswordWrong', 'current');
      }
      await accounts.setPassword(account.id, await checkedHash(next, account.email));
      await audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'password-change',
      });
    },

    async setDisabled(actor: Account, id: string, disabled: boolean): Promise<boolean> {
      if (actor.id === id) throw new AccountError('admin.errors.cannotDisableSelf', 'account');
      const target = await accounts.findById(id);
      if (!target || !(await accounts.setDisabled(id, disabled))) return false;
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: disabled ? 'account-disable' : 'account-enable',
        target: target.email,
      });
      return true;
    },

    async signedOut(account: Account): Promise<void> {
      await audit.record({ actorId: account.id, actorEmail: account.email, action: 'sign-out' });
    },

    find: (id: string) => accounts.findById(id),
    list: () => accounts.list(),
    count: () => accounts.count(),
  };
}

export type AccountService = ReturnType<typeof accountService>;
