import { type RequestHandler, Router } from 'express';

export type ReadinessCheck = () => Promise<{ ok: boolean; checks: Record<string, boolean> }>;

/** /healthz: the process answers. /readyz: its dependencies (database, jobs) answer too. */
export function healthRouter(readiness: ReadinessCheck): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const result = await readiness().catch(() => ({ ok: false, checks: {} }));
    res
      .status(result.ok ? 200 : 503)
      .json({ status: result.ok ? 'ready' : 'unavailable', checks: result.checks });
  });
  return router;
}

/**
 * The probes' router, reached only by the paths its routes match (any letter case, one trailing
 * slash; the method is its routes' to judge): every other request, most of a rush, goes on
 * without passing through a router of its own.
 */
export function probesOnly(router: Router): RequestHandler {
  return (req, res, next) => (isProbePath(req.path) ? router(req, res, next) : next());
}

function isProbePath(path: string): boolean {
  // '/readyz' to '/healthz/': a longer or shorter path is not lowered to be compared.
  if (path.length < 7 || path.length > 9) return false;
  const p = path.toLowerCase();
  return p === '/healthz' || p === '/healthz/' || p === '/readyz' || p === '/readyz/';
}
