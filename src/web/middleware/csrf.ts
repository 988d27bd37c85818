import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { newToken } from '../../domain/codes.js';
import { COOKIES, cookieOptions } from '../cookies.js';
import { csrfFailed } from '../errors.js';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Signed double-submit CSRF protection, stateless so it works across app processes: a random
 * cookie, and in every form its HMAC. Every POST must carry a matching `_csrf` field.
 */
export function csrf(secret: string, secureCookies: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    let value = req.cookies?.[COOKIES.csrf] as string | undefined;
    const valid = value !== undefined && TOKEN_SHAPE.test(value);
    if (!valid) {
      value = newToken();
      res.cookie(COOKIES.csrf, value, cookieOptions(secureCookies));
    }
    const expected = sign(secret, value as string);
    res.locals.csrfToken = expected;
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    // File uploads (multipart) carry the token in the form's action URL, as their body is
    // read later by the handler.
    const sent = req.is('multipart/form-data')
      ? req.query._csrf
      : (req.body as Record<string, unknown> | undefined)?._csrf;
    if (!valid || typeof sent !== 'string' || !same(sent, expected)) return next(csrfFailed());
    next();
  };
}
