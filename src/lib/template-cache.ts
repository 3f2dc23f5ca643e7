// Compiled EJS templates, kept by file. Compiling is most of what rendering a small message
// costs, so each file is compiled once; with `reload` (while templates are being edited) a
// file whose modification time changed is compiled again. Includes are compiled by EJS
// through its own cache, kept only without `reload`.
import { readFileSync, statSync } from 'node:fs';
import ejs from 'ejs';

export type CompiledTemplate = (data: Record<string, unknown>) => string;

interface Entry {
  render: CompiledTemplate;
  mtimeMs: number;
}

export function createTemplateCache(opts: { reload: boolean }) {
  const compiled = new Map<string, Entry>();
  const compile = (file: string, mtimeMs: number): Entry => {
    const render = ejs.compile(readFileSync(file, 'utf8'), {
      filename: file,
      cache: !opts.reload,
      async: false,
    }) as CompiledTemplate;
    const entry = { render, mtimeMs };
    compiled.set(file, entry);
    return entry;
  };
  return {
    /** The compiled template of `file` (an absolute path). */
    get(file: string): CompiledTemplate {
      const kept = compiled.get(file);
      if (kept && !opts.reload) return kept.render;
      const mtimeMs = opts.reload ? statSync(file).mtimeMs : 0;
      if (kept && kept.mtimeMs === mtimeMs) return kept.render;
      return compile(file, mtimeMs).render;
    },
  };
}
