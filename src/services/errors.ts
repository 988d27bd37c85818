/** Errors services throw; the web layer's one error handler turns each into a localised page. */
export class NotFoundError extends Error {
  readonly status = 404;
}

/** The questionnaire exists but does not accept answers now. */
export class NotOpenError extends Error {
  readonly status = 410;
  constructor(
    readonly title: Record<string, string>,
    readonly defaultLanguage: string,
    readonly state: 'closed' | 'not-yet-open',
    /** The slug whose public results the page may link to, when they are public. */
    readonly links: { resultsOf?: string | undefined } = {},
  ) {
    super('questionnaire is not open');
  }
}

/** Input that cannot be read at all (unexpected fields, NUL bytes): a 400 page, nothing stored. */
export class BadInputError extends Error {
  readonly status = 400;
}
