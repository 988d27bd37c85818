import { request, type IncomingHttpHeaders } from 'node:http';
import { encodeForm, type Fields } from './citizen.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The origin that answered. */
  origin: string;
}

/** One request on a connection of its own (`agent: false`), as a fresh browser socket would. */
export function exchange(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, origin), { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, origin }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A browser over real HTTP for app processes listening on ports: keeps its cookies and the CSRF
 * token of the last page, and sends each request, on a new connection, to the next of its
 * origins in turn, so that consecutive requests land on different app processes.
 */
export class HttpBrowser {
  csrf = '';
  html = '';
  private readonly cookies = new Map<string, string>();
  private turn: number;

  constructor(
    private readonly origins: string[],
    private readonly headers: Record<string, string> = {},
    /** Which origin the first request goes to. */
    first = 0,
  ) {
    this.turn = first;
  }

  /** The Cookie header this browser sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(path: string): Promise<Reply> {
    return this.send('GET', path);
  }

  post(path: string, fields: Fields = {}, options: { csrf?: boolean } = {}): Promise<Reply> {
    const body = encodeForm(options.csrf === false ? fields : { _csrf: this.csrf, ...fields });
    return this.send('POST', path, body);
  }

  private async send(method: string, path: string, body?: string): Promise<Reply> {
    const origin = this.origins[this.turn++ % this.origins.length] as string;
    const headers: Record<string, string> = { ...this.headers, cookie: this.cookieHeader() };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const reply = await exchange(origin, method, path, headers, body);
    for (const line of reply.headers['set-cookie'] ?? []) this.keep(line);
    this.html = reply.text;
    const token = /name="_csrf" value="([^"]+)"/.exec(this.html);
    if (token) this.csrf = token[1] as string;
    return reply;
  }

  /** Every cookie of this app has the path `/`, so a name is enough to tell them apart. */
  private keep(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
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
