import { z } from 'zod';
import { formAction } from '$lib/server/http/forms';
import { parseWith } from '$lib/server/http/api';
import { outboxPage } from '$lib/server/sms/outbox';
import { resetTemplate, saveTemplate, listTemplates } from '$lib/server/sms/templates';
import { outboxView } from '$lib/server/sms/views';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({ status: z.enum(['pending', 'sending', 'accepted', 'failed', 'cancelled']).optional().catch(undefined) });

export const load: PageServerLoad = async ({ locals, url }) => {
	const { status } = parseWith(query, Object.fromEntries(url.searchParams));
	const { rows, counts } = await outboxPage(locals.db, { status }, 100, 0);
	return {
		configured: locals.config.twilio !== undefined,
		from: locals.config.twilio?.from ?? null,
		statusCallbackUrl: locals.config.sms.statusCallbackUrl ?? null,
		status: status ?? null,
		counts,
		messages: rows.map(outboxView),
		templates: await listTemplates(locals.db),
		timeZone: locals.config.defaultTimeZone
	};
};

export const actions: Actions = {
	save: ({ request, locals }) =>
		formAction(request, z.strictObject({ kind: z.string().min(1).max(32), body: z.string().max(1600) }), ['kind', 'body'], async ({ kind, body }) => {
			const saved = await saveTemplate(locals.db, kind, body, locals.user!.id, Date.now());
			return { saved: saved.kind };
		}),
	reset: ({ request, locals }) =>
		formAction(request, z.strictObject({ kind: z.string().min(1).max(32) }), ['kind'], async ({ kind }) => {
			await resetTemplate(locals.db, kind, locals.user!.id, Date.now());
			return { reset: kind };
		})
};
