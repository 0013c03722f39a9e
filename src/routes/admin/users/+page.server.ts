import { z } from 'zod';
import { allUsers, setUserRole } from '$lib/server/auth/accounts';
import { roleChangeSchema } from '$lib/server/auth/schemas';
import { formAction } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ users: await allUsers(locals.db) });

const roleFormSchema = roleChangeSchema.extend({ userId: z.string().min(1).max(64) });

export const actions: Actions = {
	role: ({ request, locals }) =>
		formAction(request, roleFormSchema, ['userId', 'role'], async ({ userId, role }) => {
			await setUserRole(locals.db, userId, role, locals.user!.id, Date.now());
			return { updated: userId };
		})
};
