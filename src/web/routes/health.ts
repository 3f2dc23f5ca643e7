import { Router } from 'express';

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
