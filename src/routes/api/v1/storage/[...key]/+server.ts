/**
 * Local-disk images through signed URLs (what S3's presigned URLs are for the S3 backend):
 * `GET` serves an image, `PUT` accepts one upload of the signed type and size. The signature is
 * the authorisation, so the access rule is public; with S3 configured this route is not used.
 */
import { endpoint } from '$lib/server/http/api';
import { AppError, notFound } from '$lib/server/http/errors';
import { readLimitedBody, sniffImageType } from '$lib/server/http/body';
import { assertValidKey, LocalImageStore } from '$lib/server/storage';
import type { RequestHandler } from './$types';

const refused = () => new AppError(403, 'signature_invalid', 'This link is wrong or has expired.');

function localStore(images: App.Locals['images'], key: string): LocalImageStore {
	if (!(images instanceof LocalImageStore)) throw notFound('The image');
	assertValidKey(key);
	return images;
}

export const GET: RequestHandler = endpoint(async ({ params, url, locals }) => {
	const store = localStore(locals.images, params.key);
	if (!store.verify('GET', params.key, { expires: url.searchParams.get('expires'), signature: url.searchParams.get('signature') })) throw refused();
	const found = await store.get(params.key);
	if (!found) throw notFound('The image');
	return new Response(found.bytes as Uint8Array<ArrayBuffer>, {
		headers: { 'content-type': found.contentType, 'cache-control': 'private, max-age=60', 'content-security-policy': "default-src 'none'" }
	});
});

export const PUT: RequestHandler = endpoint(async ({ params, url, request, locals }) => {
	const store = localStore(locals.images, params.key);
	const q = url.searchParams;
	const signed = { expires: q.get('expires'), signature: q.get('signature'), contentType: q.get('type'), bytes: q.get('bytes') };
	if (!store.verify('PUT', params.key, signed)) throw refused();
	// the signature covers the type and size; the request must carry exactly those
	if (request.headers.get('content-type') !== signed.contentType) throw refused();
	const size = Number(signed.bytes);
	if (request.headers.has('content-length') && Number(request.headers.get('content-length')) !== size) throw refused();
	const body = await readLimitedBody(request, size);
	if (body.byteLength !== size) throw refused();
	if (sniffImageType(body) !== signed.contentType) throw new AppError(415, 'unsupported_media_type', `The body is not a ${signed.contentType} image.`);
	await store.put(params.key, body, signed.contentType!);
	return new Response(null, { status: 200 });
});
