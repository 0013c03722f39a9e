/** A same-site path to go to after sign-in; anything else (other hosts, `//evil`) becomes `/`. */
export function safeNext(value: string | null): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
	return value;
}
