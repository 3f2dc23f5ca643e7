// Builds the Express application from its dependencies. No I/O happens on import: the
// database, mailer and jobs are created by the composition root (container.ts).
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Container } from './container.ts';
import { createSystemRandom } from './lib/clock.ts';
import { projectPath } from './lib/paths.ts';
import { verifyingSecrets } from './lib/secret-keys.ts';
import { createTemplateCache } from './lib/template-cache.ts';
import { keptPageAnswer } from './web/kept-page-answer.ts';
import { httpMetrics } from './web/metrics/http-metrics.ts';
import { bodyHygiene } from './web/middleware/body-hygiene.ts';
import { bodyParsers } from './web/middleware/body-parsers.ts';
import { csrfMiddleware } from './web/middleware/csrf.ts';
import { errorHandler, notFoundHandler } from './web/middleware/error-handler.ts';
import { localeMiddleware } from './web/middleware/locale.ts';
import { inOneLayer } from './web/middleware/one-layer.ts';
import { requestDeadline } from './web/middleware/request-deadline.ts';
import { requestLog } from './web/middleware/request-log.ts';
import { requestTarget } from './web/middleware/request-target.ts';
import { securityHeaders } from './web/middleware/security-headers.ts';
import { visitorMiddleware } from './web/middleware/visitor.ts';
import { keptPagesOf } from './web/page-cache.ts';
import { installRenderPage } from './web/render.ts';
import { healthRouter, probesOnly, type ReadinessCheck } from './web/routes/health.ts';
import { type AppRoutes, appRoutes } from './web/routes/index.ts';
import { metricsRouter } from './web/routes/metrics.ts';
import { viewHelpers } from './web/view-helpers.ts';

export interface AppDeps {
  /** What the composition root built: config, logger, secret, services, limits. */
  container: Container;
  readiness: ReadinessCheck;
}

/** The application: its middleware, every area's routes (web/routes/index.ts), the error handler. */
export function createApp(deps: AppDeps, routes: AppRoutes = appRoutes): Express {
  const { container } = deps;
  const { config, logger } = container;
  const app = express();
  app.set('views', projectPath('views'));
  app.set('view engine', 'ejs');
  // Templates and their includes compiled once, include paths resolved once (template-cache.ts).
  app.engine('ejs', createTemplateCache({ reload: config.viewsReload }).engine);
  app.set(
    'trust proxy',
    config.trustProxy === 'false' ? false : config.trustProxy === 'true' ? true : config.trustProxy,
  );
  app.disable('x-powered-by');
  // No ETag on dynamic answers: pages carry per-visitor tokens and bookings are never
  // answered twice alike, so hashing every body would buy nothing. Static files keep theirs.
  app.set('etag', false);
  // Compiled templates are kept in every mode: compiling a page on each render cost the
  // pages a fifth of their time. VIEWS_RELOAD=true, while editing views, reads them again
  // (the engine compiles a file again when it changed; Express looks each view up again).
  app.set('view cache', !config.viewsReload);

  app.use(requestTarget());
  app.use(probesOnly(healthRouter(deps.readiness)));
  // The scraper's page, like the probes, is neither logged, limited nor counted; with
  // METRICS_PORT it is served there only (createMetricsApp). Without a token there is no such
  // page here: no router for every request to pass through empty.
  if (config.metricsPort === undefined && config.metricsToken)
    app.use(metricsRouter(container.metrics, config.metricsToken));
  const answerError = errorHandler({ logger, storage: container.storage });
  // What every other answer goes through, as one layer of the router (one-layer.ts).
  app.use(
    inOneLayer(
      httpMetrics(container.metrics),
      requestLog(logger),
      requestDeadline(answerError),
      securityHeaders(config.cookieSecure),
    ),
  );
  app.use('/api/v1', apiRouter(container, routes, answerError));
  app.use(
    '/public',
    express.static(projectPath('public'), { maxAge: config.env === 'production' ? '7d' : 0 }),
  );
  app.use(pageMiddleware(container));
  routes.pages(app, container);
  app.use(notFoundHandler);
  app.use(answerError);
  return app;
}

/**
 * The JSON API comes first, with only what it uses: no page helpers, no visitor cookie and no
 * CSRF (it takes no cookie as a credential), so a rush of bookings pays for nothing else. Its
 * errors, 404 included, are answered as JSON by the error handler. It is one router mounted
 * once: every layer of a mount point is matched against the path and trims it from the URL
 * again, which a rush of bookings would pay on each middleware. Its refusals are answered at its
 * end by the one error handler, so a "full" does not travel past every layer of the pages.
 */
function apiRouter(container: Container, routes: AppRoutes, answerError: ErrorRequestHandler): Router {
  const { config } = container;
  const api = express.Router();
  // What every API request takes, in this order, as one layer of the router (one-layer.ts).
  api.use(
    inOneLayer(
      localeMiddleware({ secureCookies: config.cookieSecure, pages: false }),
      container.limits.perAddress,
      bodyParsers(),
      bodyHygiene(),
    ),
  );
  routes.api(api, container);
  api.use(notFoundHandler);
  api.use(answerError);
  return api;
}

/**
 * What every page's request goes through. What the error page needs (renderPage, the locale,
 * view helpers) comes before anything that can fail a request: the rate limit and the body
 * parsers (413, malformed JSON). One layer of the router (one-layer.ts): the steps run in this
 * order, and a refusal of one of them skips the rest, as layers of their own would.
 */
function pageMiddleware(container: Container): RequestHandler {
  const { config } = container;
  // Signed with the current secret; cookies signed with an earlier one (APP_SECRET_PREVIOUS) still read.
  const secrets = verifyingSecrets(container);
  const visitor = { secureCookies: config.cookieSecure, random: createSystemRandom() };
  // What the error page needs, before anything that can fail a request.
  const forPages: RequestHandler[] = [
    (_req, res, next) => installRenderPage(res, next),
    localeMiddleware({ secureCookies: config.cookieSecure }),
    viewHelpers(config),
  ];
  return inOneLayer(
    cookieParser(secrets),
    // A kept day page or month calendar, reloaded, is answered here (kept-page-answer.ts).
    keptPageAnswer({
      pages: keptPagesOf(container),
      limit: container.limits.perAddress,
      beforeLimit: inOneLayer(...forPages),
      visitor,
    }),
    ...forPages,
    container.limits.perAddress,
    bodyParsers(),
    bodyHygiene(),
    visitorMiddleware(visitor),
    csrfMiddleware({ secrets, secureCookies: config.cookieSecure }),
  );
}

/**
 * The application on METRICS_PORT: GET /metrics and nothing else (an empty 404), for
 * a scraper that reaches this port while the public reaches only PORT.
 */
export function createMetricsApp(container: Container): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(metricsRouter(container.metrics, container.config.metricsToken, true));
  app.use((_req, res) => {
    res.status(404).set('Cache-Control', 'no-store').end();
  });
  return app;
}
