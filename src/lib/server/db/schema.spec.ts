/**
 * The two schemas must stay twins: same tables, same columns (name, nullability, primary key,
 * JS-side type), same indexes. Repositories rely on it (see database.ts).
 */
import { getTableConfig as mysqlConfig, type MySqlTable } from 'drizzle-orm/mysql-core';
import { getTableConfig as sqliteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, test } from 'vitest';
import * as mysqlSchema from './schema.mysql.ts';
import * as sqliteSchema from './schema.sqlite.ts';

type Shape = {
	name: string;
	columns: Array<{ name: string; notNull: boolean; primary: boolean; dataType: string }>;
	indexes: Array<{ name: string; unique: boolean; columns: string[] }>;
	foreignKeys: string[];
};

function describeTable(config: ReturnType<typeof sqliteConfig> | ReturnType<typeof mysqlConfig>): Shape {
	return {
		name: config.name,
		columns: config.columns
			.map((c) => ({ name: c.name, notNull: c.notNull, primary: c.primary, dataType: c.dataType }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		indexes: config.indexes
			.map((i) => ({
				name: i.config.name,
				unique: i.config.unique ?? false,
				columns: i.config.columns.map((c) => ('name' in c ? String(c.name) : '?'))
			}))
			.sort((a, b) => a.name.localeCompare(b.name)),
		foreignKeys: config.foreignKeys.map((fk) => {
			const ref = fk.reference();
			return `${ref.columns.map((c) => c.name).join(',')}->${ref.foreignColumns.map((c) => c.name).join(',')}`;
		})
	};
}

describe('SQLite and MySQL schemas are twins', () => {
	const sqliteTables = Object.keys(sqliteSchema).sort();
	const mysqlTables = Object.keys(mysqlSchema).sort();

	test('same tables', () => expect(mysqlTables).toEqual(sqliteTables));

	test.each(sqliteTables)('%s has the same columns and indexes', (name) => {
		const s = describeTable(sqliteConfig((sqliteSchema as Record<string, SQLiteTable>)[name]!));
		const m = describeTable(mysqlConfig((mysqlSchema as Record<string, MySqlTable>)[name]!));
		// JS-side types: SQLite integers and MySQL bigints in number mode are both `number`
		const norm = (shape: Shape) => ({ ...shape, columns: shape.columns.map((c) => ({ ...c, dataType: c.dataType.split(' ')[0] })) });
		expect(norm(m)).toEqual(norm(s));
	});
});
