import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { collectDefaultMetrics } from 'prom-client';
import { bearerToken } from '../../lib/bearer.ts';
import type { Metrics } from '../metrics/registry.ts';

/**
 * GET /metrics for the operator's scraper only, with `Authorization: Bearer $METRICS_TOKEN`.
 * Without a token configured there is no such page (404, as any unknown path), unless it is
 * served on a port of its own (`ownPort`, METRICS_PORT), which only the scraper's network
 * reaches; a wrong or missing token is answered 401 and nothing else.
 */
export function metricsRouter(metrics: Metrics, token: string | undefined, ownPort = false): Router {
  const router = Router();
  if (!token && !ownPort) return router;
  // The process's own figures (CPU, memory, event-loop delay, GC), only where they are read.
  collectDefaultMetrics({ register: metrics.registry });
  const expected = token === undefined ? undefined : Buffer.from(token);
  router.get('/metrics', async (req, res) => {
    const given = Buffer.from(bearerToken(req.get('authorization')) ?? '');
    if (expected && (given.length !== expected.length || !timingSafeEqual(given, expected))) {
      res.set('WWW-Authenticate', 'Bearer').set('Cache-Control', 'no-store').status(401).end();
      return;
    }
    const body = await metrics.registry.metrics();
    res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store').send(body);
  });
  return router;
}
