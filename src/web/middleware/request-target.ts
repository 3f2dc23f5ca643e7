import type { NextFunction, Request, Response } from 'express';

// A Host header as RFC 9110 allows it: a registered name, an IPv4 address or a bracketed IPv6
// address, then an optional port. Anything else (a space, a path, an unclosed bracket, a port
// past 65535) was not sent by a browser, and whatever reads the host later (Express's
// req.hostname, a URL built from it) must not be the first to find out.
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

export function isValidHost(host: string): boolean {
  const m = HOST.exec(host);
  return m !== null && (m[1] === undefined || Number(m[1]) <= 65_535);
}

/**
 * First on every request: the request target and the Host header are checked once, here.
 * An absolute target (`GET http://host:port/path`, which HTTP/1.1 servers must accept, and
 * Express's router matches by its path) must be a valid http(s) URL; one that does not
 * parse, and a malformed Host, answer 400.
 */
export function requestTarget() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const host = req.headers.host;
    if (host !== undefined && !isValidHost(host)) return next(badRequest());
    if (req.url.startsWith('/') || (req.url === '*' && req.method === 'OPTIONS')) return next();
    const target = URL.parse(req.url);
    if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:') || !isValidHost(target.host))
      return next(badRequest());
    next();
  };
}

/** An HTTP-level refusal, answered by the error handler as its 400 page or JSON. */
function badRequest(): Error {
  return Object.assign(new Error('malformed request target or Host header'), { status: 400 });
}

/** The path and query of a request target, whether it came in origin form or absolute form. */
export function pathOf(originalUrl: string): string {
  if (originalUrl.startsWith('/')) return originalUrl;
  const url = URL.parse(originalUrl);
  return url ? `${url.pathname}${url.search}` : '/';
}
