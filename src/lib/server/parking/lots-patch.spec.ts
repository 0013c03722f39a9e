import { expect, test } from 'vitest';
import { gatePatchSchema, lotPatchSchema } from './lots.ts';

// `.partial()` keeps a field's default, so a PATCH naming one field used to reset the others
// (a gate's device key unbound by `{}`; a lot's zone and currency put back to the defaults).
test.each([
	[lotPatchSchema, {}, {}],
	[lotPatchSchema, { name: 'North' }, { name: 'North' }],
	[lotPatchSchema, { imageRetentionDays: 7 }, { imageRetentionDays: 7 }],
	[gatePatchSchema, {}, {}],
	[gatePatchSchema, { name: 'Exit 2' }, { name: 'Exit 2' }],
	[gatePatchSchema, { deviceKeyId: null }, { deviceKeyId: null }]
])('a PATCH changes only what it names: %#', (schema, body, parsed) => {
	expect(schema.parse(body)).toEqual(parsed);
});

test('a PATCH still refuses unknown fields and bad values', () => {
	expect(lotPatchSchema.safeParse({ owner: 'x' }).success).toBe(false);
	expect(gatePatchSchema.safeParse({ direction: 'sideways' }).success).toBe(false);
});
