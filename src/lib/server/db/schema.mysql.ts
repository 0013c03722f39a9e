/**
 * The MySQL / MariaDB schema: the twin of `schema.sqlite.ts` (see there; `schema.spec.ts`
 * keeps the two in step). Ids are 32-character strings, instants BIGINT epoch milliseconds.
 */
import { bigint, index, json, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

const ms = (name: string) => bigint(name, { mode: 'number' });
const id = (name: string) => varchar(name, { length: 64 });

export const users = mysqlTable(
	'users',
	{
		id: id('id').primaryKey(),
		email: varchar('email', { length: 320 }).notNull(),
		passwordHash: varchar('password_hash', { length: 255 }).notNull(),
		role: varchar('role', { length: 16, enum: ['admin', 'operator', 'patrol', 'driver'] }).notNull(),
		phone: varchar('phone', { length: 20 }),
		createdAt: ms('created_at').notNull(),
		passwordChangedAt: ms('password_changed_at').notNull()
	},
	(t) => [uniqueIndex('users_email_uq').on(t.email)]
);

export const authSessions = mysqlTable(
	'auth_sessions',
	{
		id: id('id').primaryKey(),
		userId: id('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: varchar('kind', { length: 8, enum: ['cookie', 'bearer'] }).notNull(),
		createdAt: ms('created_at').notNull(),
		expiresAt: ms('expires_at').notNull()
	},
	(t) => [index('auth_sessions_user_idx').on(t.userId)]
);

export const deviceKeys = mysqlTable(
	'device_keys',
	{
		id: id('id').primaryKey(),
		name: varchar('name', { length: 100 }).notNull(),
		keyHash: varchar('key_hash', { length: 64 }).notNull(),
		keyPrefix: varchar('key_prefix', { length: 16 }).notNull(),
		createdBy: id('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: ms('created_at').notNull(),
		lastUsedAt: ms('last_used_at'),
		revokedAt: ms('revoked_at')
	},
	(t) => [uniqueIndex('device_keys_hash_uq').on(t.keyHash)]
);

export const rateLimits = mysqlTable('rate_limits', {
	key: varchar('key', { length: 200 }).primaryKey(),
	windowStart: ms('window_start').notNull(),
	hits: bigint('hits', { mode: 'number' }).notNull()
});

export const setupTokens = mysqlTable('setup_tokens', {
	id: id('id').primaryKey(),
	createdAt: ms('created_at').notNull(),
	expiresAt: ms('expires_at').notNull(),
	usedAt: ms('used_at')
});

export const auditLog = mysqlTable(
	'audit_log',
	{
		id: id('id').primaryKey(),
		at: ms('at').notNull(),
		actorUserId: id('actor_user_id'),
		actorDeviceId: id('actor_device_id'),
		action: varchar('action', { length: 64 }).notNull(),
		entity: varchar('entity', { length: 32 }).notNull(),
		entityId: id('entity_id'),
		details: json('details').$type<Record<string, unknown>>()
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_entity_idx').on(t.entity, t.entityId)]
);
