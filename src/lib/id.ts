import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/**
 * A new random identifier: 120 bits, base32 lower case (24 characters).
 * Works in the browser and in Node, so offline clients mint ids the server keeps (idempotent sync).
 * @example newId() // 'k3x9q2m7w4v8b1c6n5d0f2gh'
 */
export function newId(): string {
	const bytes = new Uint8Array(15);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** True when `value` has the shape {@link newId} produces (or a client-made id of the same form). */
export function isId(value: unknown): value is string {
	return typeof value === 'string' && /^[a-z2-7]{16,32}$/.test(value);
}
