/**
 * What a browser keeps between requests, for clients that speak HTTP themselves (the
 * two-process tests and the benchmarks): the cookies the app set, and the CSRF token of a page.
 */

/** The CSRF token a page's forms carry, if it has one. */
export function csrfTokenIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** The app's cookies, by name: every cookie of this app has the path `/`. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes in the Set-Cookie lines of a response; an expired cookie is dropped. */
  keep(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const expires = attributes.find((a) => /^expires=/i.test(a))?.slice('expires='.length);
      const maxAge = attributes.find((a) => /^max-age=/i.test(a))?.slice('max-age='.length);
      const gone =
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
    }
  }

  /** The Cookie header to send. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie header to send with the cookie `name` set to `value` instead. */
  headerWith(name: string, value: string): string {
    return [...new Map([...this.cookies, [name, value]])].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}
