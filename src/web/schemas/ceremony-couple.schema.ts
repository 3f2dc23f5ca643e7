// What a couple sends about a ceremony: the web form (join) and the JSON API body.
import { z } from 'zod';

const ceremonyId = z.string().regex(/^[a-f0-9]{24}$/i, { error: 'field.invalid' });

/** Which page the form was on, so the couple lands back where it pressed the button. */
export const backSchema = z.enum(['confirmation', 'manage']).optional();

export const joinFormSchema = z.object({ ceremonyId, back: backSchema });
export const coupleActionSchema = z.object({ back: backSchema });

/** POST /api/v1/appointments/:reference/ceremony */
export const joinApiSchema = z.object({ ceremonyId });
