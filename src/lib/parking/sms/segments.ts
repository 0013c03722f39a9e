/**
 * SMS segments: how many parts a text is sent as (and billed for). A text made only of the GSM
 * 03.38 alphabet travels as 7-bit characters (160 in one SMS, 153 a part when split, the extension
 * characters `^{}\[~]|€` counting two); anything else makes the whole text UCS-2 (70 in one SMS,
 * 67 a part, counted in UTF-16 code units).
 */

const GSM_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';
const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
	encoding: SmsEncoding;
	/** septets (GSM-7) or UTF-16 code units (UCS-2) */
	units: number;
	segments: number;
}

/** The most segments a message SPMS sends may take (templates are refused past it). */
export const MAX_SEGMENTS = 2;

/** True when every character of `text` is in the GSM 03.38 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
	for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
	return true;
}

/**
 * Counts the segments `text` is sent as.
 * @example countSegments('Paid') // { encoding: 'GSM-7', units: 4, segments: 1 }
 * @example countSegments('₹50 paid').encoding // 'UCS-2'
 */
export function countSegments(text: string): SegmentCount {
	if (isGsm7(text)) {
		let units = 0;
		for (const ch of text) units += extension.has(ch) ? 2 : 1;
		return { encoding: 'GSM-7', units, segments: units === 0 ? 1 : units <= 160 ? 1 : Math.ceil(units / 153) };
	}
	const units = text.length; // UTF-16 code units: an emoji is two
	return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
