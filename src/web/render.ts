import type { Response } from 'express';

declare module 'express-serve-static-core' {
  interface Response {
    /** Renders views/<view>.ejs inside views/layouts/main.ejs. */
    renderPage(view: string, locals?: Record<string, unknown>, status?: number): void;
  }
}

export function installRenderPage(res: Response, next: () => void): void {
  res.renderPage = function renderPage(view, locals = {}, status = 200) {
    const layout = (locals.layout as string | undefined) ?? 'layouts/main';
    this.render(view, locals, (err, body) => {
      if (err) return this.req.next?.(err);
      this.status(status).render(layout, { ...locals, body }, (layoutErr, html) => {
        if (layoutErr) return this.req.next?.(layoutErr);
        this.send(html);
      });
    });
  };
  next();
}
