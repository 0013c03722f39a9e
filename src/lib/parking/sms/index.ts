/** SMS rules: segments, templates, phone numbers, delivery (pure; see each module). */
export { countSegments, isGsm7, MAX_SEGMENTS, type SegmentCount, type SmsEncoding } from './segments.ts';
export { checkTemplate, describeTemplateError, placeholdersOf, renderTemplate, type PlaceholderSpec, type TemplateError } from './template.ts';
export { describePhoneError, maskPhone, parseE164, phoneRegionOfLot, type PhoneError } from './phone.ts';
export {
	advanceStatus,
	DEFAULT_BACKOFF,
	keywordOf,
	parseQuietHours,
	quietHoursEnd,
	retryDelayMs,
	TWILIO_STATUSES,
	type BackoffOptions,
	type QuietHours
} from './delivery.ts';
export { isSmsKind, SMS_KIND_SPECS, SMS_KINDS, smsDate, smsTime, type SmsKind, type SmsKindSpec } from './kinds.ts';
export { dueThreshold, paidUntil } from './expiry.ts';
