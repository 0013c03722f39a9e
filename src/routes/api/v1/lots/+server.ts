import { endpoint, readJson } from '$lib/server/http/api';
import { createLot, lotInputSchema, lots } from '$lib/server/parking/lots';
import { lotView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ locals }) => Response.json({ items: (await lots(locals.db)).map(lotView) }));

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, lotInputSchema);
	return Response.json(lotView(await createLot(locals.db, input, locals.user!.id, Date.now())), { status: 201 });
});
