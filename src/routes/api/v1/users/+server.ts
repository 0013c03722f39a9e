import { allUsers } from '$lib/server/auth/accounts';
import { endpoint } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ locals }) => Response.json({ users: await allUsers(locals.db) }));
