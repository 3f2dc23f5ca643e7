// Middleware run as one layer of the router behave as they did as layers of their own: in
// order, and what they pass on (an error, thrown or rejected) reaches the error handler.
import assert from 'node:assert/strict';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { inOneLayer } from '../../src/web/middleware/one-layer.ts';

function appWith(...handlers: RequestHandler[]) {
  const app = express();
  app.use(inOneLayer(...handlers));
  app.get('/', (req, res) => void res.json({ seen: (req as { seen?: string[] }).seen ?? [] }));
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}

const mark =
  (name: string): RequestHandler =>
  (req, _res, next) => {
    const r = req as { seen?: string[] };
    r.seen = [...(r.seen ?? []), name];
    next();
  };

describe('middleware in one layer', () => {
  it('runs each in order, then what comes after', async () => {
    const res = await request(appWith(mark('a'), mark('b'), mark('c')))
      .get('/')
      .expect(200);
    assert.deepEqual(res.body.seen, ['a', 'b', 'c']);
  });

  it("goes on after 'route' or a falsy value, as the router does", async () => {
    const res = await request(
      appWith(
        mark('a'),
        (_req, _res, next) => next('route'),
        mark('b'),
        (_req, _res, next) => next(false),
        mark('c'),
      ),
    )
      .get('/')
      .expect(200);
    assert.deepEqual(res.body.seen, ['a', 'b', 'c']);
  });

  it('passes an error on, given, thrown or rejected, and runs none of the rest', async () => {
    const failing: RequestHandler[] = [
      (_req, _res, next) => next(new Error('given')),
      () => {
        throw new Error('thrown');
      },
      async () => {
        throw new Error('rejected');
      },
    ];
    for (const fail of failing) {
      let after = false;
      const res = await request(
        appWith(mark('a'), fail, () => {
          after = true;
        }),
      )
        .get('/')
        .expect(500);
      assert.match(res.body.error, /given|thrown|rejected/);
      assert.equal(after, false);
    }
  });

  it('lets a middleware answer and stop there', async () => {
    const res = await request(
      appWith(mark('a'), (_req, res) => void res.status(403).json({ stopped: true }), mark('b')),
    )
      .get('/')
      .expect(403);
    assert.deepEqual(res.body, { stopped: true });
  });
});
