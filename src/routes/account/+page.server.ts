import { changePassword } from '$lib/server/auth/accounts';
import { changePasswordSchema } from '$lib/server/auth/schemas';
import { formAction } from '$lib/server/http/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	password: ({ request, locals }) =>
		formAction(request, changePasswordSchema, ['currentPassword', 'newPassword'], async (input) => {
			// the access rule guarantees a signed-in caller
			const session = locals.session!;
			await changePassword(locals.db, { userId: session.user.id, currentSessionId: session.id, ...input }, Date.now());
			return { changed: true };
		})
};
