import { endpoint } from '$lib/server/http/api';
import { lprFile, lprManifest } from '$lib/server/pwa/lpr-assets';
import type { RequestHandler } from './$types';

/** The plate worker's models, WASM and built bundle (`manifest.json`: their sizes and version). */
export const GET: RequestHandler = endpoint(async ({ params, request }) => {
	if (params.file === 'manifest.json') return Response.json(await lprManifest(), { headers: { 'cache-control': 'no-cache' } });
	return lprFile(params.file, request.headers.get('if-none-match'), request.headers.get('accept-encoding'));
});
