import type { RequestHandler } from './$types';

/** Liveness: the process answers. */
export const GET: RequestHandler = () => Response.json({ status: 'ok' });
