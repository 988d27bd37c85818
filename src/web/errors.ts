/** Errors raised by the web layer itself (the services have their own in services/errors.ts). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Key prefix of the page's title and text under "problem." (e.g. "csrf"). */
    readonly problem: string,
  ) {
    super(problem);
  }
}

export const csrfFailed = () => new HttpError(403, 'csrf');
export const badRequest = () => new HttpError(400, 'badRequest');
export const tooMany = () => new HttpError(429, 'tooMany');
