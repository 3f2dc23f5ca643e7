import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { scrubUrl } from '../../logger.ts';

export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req) => (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID(),
    autoLogging: {
      ignore: (req) =>
        req.url === '/healthz' || req.url === '/readyz' || (req.url ?? '').startsWith('/public/'),
    },
    serializers: {
      req: (req: IncomingMessage & { id?: string; method?: string }) => ({
        id: req.id,
        method: req.method,
        url: scrubUrl(req.url ?? ''),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
