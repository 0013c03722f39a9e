/**
 * SMS templates: the built-in wording of each kind, replaced by an admin's. A template is
 * checked when saved (unknown placeholders and texts past two segments are refused), so every
 * stored one renders.
 */
import { z } from 'zod';
import { checkTemplate, describeTemplateError, isSmsKind, SMS_KIND_SPECS, SMS_KINDS, type SmsKind } from '../../parking/sms/index.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Database, Executor } from '../db/database.ts';
import { AppError, notFound } from '../http/errors.ts';
import { deleteTemplate, findTemplate, listTemplateRows, putTemplate } from './templates.repo.ts';

export interface TemplateView {
	kind: SmsKind;
	label: string;
	audience: 'driver' | 'operator';
	urgent: boolean;
	body: string;
	isDefault: boolean;
	placeholders: string[];
	/** segments with the longest values */
	segments: number;
	updatedAt: number | null;
}

export const templateInputSchema = z.strictObject({ body: z.string().max(1600, 'At most 1600 characters.') });

/** The text used for `kind` now: the admin's, else the built-in one. */
export async function templateText(x: Executor, kind: SmsKind): Promise<string> {
	return (await findTemplate(x, kind))?.body ?? SMS_KIND_SPECS[kind].defaultTemplate;
}

/** Every kind with the template in force. */
export async function listTemplates(db: Database): Promise<TemplateView[]> {
	const rows = new Map((await db.run((x) => listTemplateRows(x))).map((r) => [r.kind, r]));
	return SMS_KINDS.map((kind) => view(kind, rows.get(kind)?.body, rows.get(kind)?.updatedAt ?? null));
}

function view(kind: SmsKind, body: string | undefined, updatedAt: number | null): TemplateView {
	const spec = SMS_KIND_SPECS[kind];
	const text = body ?? spec.defaultTemplate;
	const checked = checkTemplate(text, spec.placeholders);
	return {
		kind,
		label: spec.label,
		audience: spec.audience,
		urgent: spec.urgent,
		body: text,
		isDefault: body === undefined,
		placeholders: Object.keys(spec.placeholders),
		segments: checked.ok ? checked.value : Number.NaN,
		updatedAt
	};
}

/**
 * Saves an admin's template for a kind, after checking it. Audited.
 * @throws {AppError} 404 unknown kind, 422 `invalid_template` (unknown placeholder, stray brace, too long)
 */
export async function saveTemplate(db: Database, kind: string, body: string, actorUserId: string, now: number): Promise<TemplateView> {
	if (!isSmsKind(kind)) throw notFound('The message kind');
	const checked = checkTemplate(body, SMS_KIND_SPECS[kind].placeholders);
	if (!checked.ok) throw new AppError(422, 'invalid_template', describeTemplateError(checked.error), { body: describeTemplateError(checked.error) });
	await db.transaction(async (x) => {
		await putTemplate(x, { kind, body, updatedAt: now, updatedBy: actorUserId });
		await recordAudit(x, { at: now, actorUserId, action: 'sms_template.save', entity: 'sms_template', entityId: kind, details: { body } });
	});
	return view(kind, body, now);
}

/** Goes back to the built-in template. @throws {AppError} 404 unknown kind */
export async function resetTemplate(db: Database, kind: string, actorUserId: string, now: number): Promise<TemplateView> {
	if (!isSmsKind(kind)) throw notFound('The message kind');
	await db.transaction(async (x) => {
		await deleteTemplate(x, kind);
		await recordAudit(x, { at: now, actorUserId, action: 'sms_template.reset', entity: 'sms_template', entityId: kind });
	});
	return view(kind, undefined, null);
}
