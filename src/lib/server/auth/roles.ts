/** The roles, most powerful first. The original system's `user` is a driver. */
export const ROLES = ['admin', 'operator', 'patrol', 'driver'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
