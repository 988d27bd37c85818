import { request, type IncomingHttpHeaders } from 'node:http';
import { encodeForm, type Fields } from './citizen.js';
import { CookieJar, csrfTokenIn } from './cookie-jar.js';

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
  private readonly jar = new CookieJar();
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
    return this.jar.header();
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
    this.jar.keep(reply.headers['set-cookie'] ?? []);
    this.html = reply.text;
    this.csrf = csrfTokenIn(this.html) ?? this.csrf;
    return reply;
  }
}
