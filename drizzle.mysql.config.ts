import { defineConfig } from 'drizzle-kit';

export default defineConfig({
	dialect: 'mysql',
	schema: './src/lib/server/db/schema.mysql.ts',
	out: './drizzle/mysql'
});
