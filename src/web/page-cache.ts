import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** Renders a view to a string, as res.render would send it. */
function renderToString(res: Response, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) =>
    res.render(view, locals, (error: Error | null, html?: string) =>
      error ? reject(error) : resolve(html ?? ''),
    ),
  );
}

/**
 * Citizen pages that everybody who asks for them gets alike but for their CSRF token (a start
 * page, a section not yet answered): rendered once with a stand-in for the token, kept (the
 * `size` most recently used), and sent to each request with its own token put in. A burst of
 * citizens then costs one render per page and language, not one each.
 *
 * The locals are asked for only when the page is rendered. The key is the caller's promise
 * that it names everything else the page is drawn from; the language and the path (which the
 * language switcher links to) are added here.
 */
export function pageCache(size = 500) {
  // Base64url like a real token, so escaping leaves it as it is, and unguessable, so no text
  // of a page can contain it.
  const standIn = randomBytes(32).toString('base64url');
  const pages = new Map<string, Buffer[]>();

  return {
    async send(res: Response, key: string, view: string, locals: () => object): Promise<void> {
      const token = res.locals.csrfToken as string;
      const id = `${String(res.locals.lang)}\n${res.req.path}\n${view}\n${key}`;
      let parts = pages.get(id);
      if (parts) {
        pages.delete(id);
      } else {
        res.locals.csrfToken = standIn;
        try {
          const html = await renderToString(res, view, locals());
          parts = html.split(standIn).map((part) => Buffer.from(part));
        } finally {
          res.locals.csrfToken = token;
        }
        if (pages.size >= size) pages.delete(pages.keys().next().value as string);
      }
      pages.set(id, parts);
      // Kept encoded: each request copies bytes instead of encoding the page again.
      const tokenBytes = Buffer.from(token);
      const body = Buffer.concat(
        parts.flatMap((part, i) => (i === 0 ? [part] : [tokenBytes, part])),
      );
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.send(body);
    },
  };
}
