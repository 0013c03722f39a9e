import { z } from 'zod';
import { emailSchema } from './email.ts';
import { PASSWORD_MAX, passwordSchema } from './password.ts';
import { ROLES } from './roles.ts';

/** `{"email","password"}` for sign-up: the password must meet the policy. */
export const registerSchema = z.strictObject({ email: emailSchema, password: passwordSchema });

/** `{"email","password"}` for sign-in: any stored password, but never an unbounded one. */
export const loginSchema = z.strictObject({
	email: emailSchema,
	password: z.string().min(1, 'Enter your password.').max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`)
});

export const changePasswordSchema = z.strictObject({
	currentPassword: z.string().min(1, 'Enter your current password.').max(PASSWORD_MAX),
	newPassword: passwordSchema
});

export const setupSchema = registerSchema;

export const roleChangeSchema = z.strictObject({ role: z.enum(ROLES) });

export const deviceKeyCreateSchema = z.strictObject({
	name: z.string().trim().min(1, 'Give the device a name.').max(100, 'Use at most 100 characters.')
});
