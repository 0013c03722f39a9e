/**
 * The SQLite schema. It mirrors `schema.mysql.ts` table for table and column for column
 * (`schema.spec.ts` proves it), so repositories write one query that runs on both engines.
 * Instants are UTC epoch milliseconds; money is integer minor units (paise).
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
	'users',
	{
		id: text('id').primaryKey(),
		email: text('email').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: text('role', { enum: ['admin', 'operator', 'patrol', 'driver'] }).notNull(),
		phone: text('phone'),
		createdAt: integer('created_at').notNull(),
		passwordChangedAt: integer('password_changed_at').notNull()
	},
	(t) => [uniqueIndex('users_email_uq').on(t.email)]
);

export const authSessions = sqliteTable(
	'auth_sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['cookie', 'bearer'] }).notNull(),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull()
	},
	(t) => [index('auth_sessions_user_idx').on(t.userId)]
);

export const deviceKeys = sqliteTable(
	'device_keys',
	{
		id: text('id').primaryKey(),
		name: text('name').notNull(),
		keyHash: text('key_hash').notNull(),
		keyPrefix: text('key_prefix').notNull(),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: integer('created_at').notNull(),
		lastUsedAt: integer('last_used_at'),
		revokedAt: integer('revoked_at')
	},
	(t) => [uniqueIndex('device_keys_hash_uq').on(t.keyHash)]
);

export const rateLimits = sqliteTable('rate_limits', {
	key: text('key').primaryKey(),
	windowStart: integer('window_start').notNull(),
	hits: integer('hits').notNull()
});

export const setupTokens = sqliteTable('setup_tokens', {
	id: text('id').primaryKey(),
	createdAt: integer('created_at').notNull(),
	expiresAt: integer('expires_at').notNull(),
	usedAt: integer('used_at')
});

export const auditLog = sqliteTable(
	'audit_log',
	{
		id: text('id').primaryKey(),
		at: integer('at').notNull(),
		actorUserId: text('actor_user_id'),
		actorDeviceId: text('actor_device_id'),
		action: text('action').notNull(),
		entity: text('entity').notNull(),
		entityId: text('entity_id'),
		details: text('details', { mode: 'json' }).$type<Record<string, unknown>>()
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_entity_idx').on(t.entity, t.entityId)]
);
