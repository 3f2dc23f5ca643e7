// Routers of the features beside the booking journey, mounted by the app under their paths.
import type { Router } from 'express';
import type { Container } from '../container.ts';

export function extraRouters(_container: Container): { path: string; router: Router }[] {
  return [];
}
