/**
 * Believable plate texts per country for the simulator. Every plate generated is valid for its
 * country (`isValidPlate`); the factory also keeps plates unique, so two simulated cars never
 * share a plate by accident.
 */
import { INDIAN_STATE_CODES, isValidPlate, type PlateCountry } from '../plates.ts';
import type { VehicleClass } from '../tariff-plan.ts';
import type { Random } from './random.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Indian series letters skip I and O, which read as 1 and 0. */
const SERIES_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Spanish plates use consonants only. */
const SPANISH_LETTERS = 'BCDFGHJKLMNPRSTVWXYZ';
const HISTORIC_STATE_CODES = new Set(['OR', 'UA', 'DN']);
const CURRENT_STATE_CODES = [...INDIAN_STATE_CODES].filter((code) => !HISTORIC_STATE_CODES.has(code)).sort();

/** Options for {@link generatePlate}. */
export interface PlateStyle {
	/** Indian state code most cars come from (a lot in Bengaluru sees mostly KA). Default KA. */
	readonly homeRegion?: string;
	/** Share of Indian cars registered in the home state. Default 0.7. */
	readonly homeShare?: number;
	/** Share of Indian cars and light commercials on the Bharat (BH) series. Default 0.05. */
	readonly bharatShare?: number;
	/** Latest two-digit BH registration year (the year being simulated). Default 25. */
	readonly latestYear?: number;
}

const letters = (random: Random, count: number, alphabet = LETTERS): string =>
	Array.from({ length: count }, () => alphabet.charAt(random.int(0, alphabet.length - 1))).join('');
const digits = (random: Random, count: number): string =>
	Array.from({ length: count }, () => String(random.int(0, 9))).join('');
const nonZeroNumber = (random: Random, width: number): string =>
	String(random.int(1, 10 ** width - 1)).padStart(width, '0');

// Delhi prints a category letter after the RTO: C car, S two-wheeler, E e-rickshaw, L/V goods.
const DELHI_CATEGORY: Record<VehicleClass, string> = {
	'two-wheeler': 'S',
	'three-wheeler': 'E',
	car: 'C',
	'light-commercial': 'V',
	'heavy-commercial': 'L'
};

function indianPlate(random: Random, vehicleClass: VehicleClass, style: PlateStyle): string {
	const { homeRegion = 'KA', homeShare = 0.7, bharatShare = 0.05, latestYear = 25 } = style;
	const bharatEligible = vehicleClass === 'car' || vehicleClass === 'light-commercial';
	if (bharatEligible && random.chance(bharatShare)) {
		const year = random.int(21, Math.max(21, Math.min(99, latestYear)));
		return `${year}BH${nonZeroNumber(random, 4)}${letters(random, random.chance(0.7) ? 2 : 1, SERIES_LETTERS)}`;
	}
	const state = random.chance(homeShare) ? homeRegion : random.pick(CURRENT_STATE_CODES);
	const number = nonZeroNumber(random, 4);
	if (state === 'DL') {
		const rto = String(random.int(1, 13));
		return `DL${rto}${DELHI_CATEGORY[vehicleClass]}${letters(random, random.int(1, 2), SERIES_LETTERS)}${number}`;
	}
	const rto = String(random.int(1, 99)).padStart(2, '0');
	const seriesLength = random.weighted<number>([
		[2, 0.82],
		[1, 0.15],
		[3, 0.03]
	]);
	return `${state}${rto}${letters(random, seriesLength, SERIES_LETTERS)}${number}`;
}

function brazilianPlate(random: Random): string {
	return random.chance(0.6)
		? `${letters(random, 3)}${digits(random, 1)}${letters(random, 1)}${digits(random, 2)}`
		: `${letters(random, 3)}${digits(random, 4)}`;
}

function europeanPlate(random: Random): string {
	const layout = random.weighted<string>([
		['de', 3],
		['fr', 3],
		['es', 2],
		['nl', 1],
		['pl', 1]
	]);
	switch (layout) {
		case 'de': // B AB 1234: district, letters, number
			return `${letters(random, random.int(1, 3))}${letters(random, random.int(1, 2))}${nonZeroNumber(random, random.int(1, 4))}`;
		case 'fr': // AB-123-CD (also Italy's AB 123 CD)
			return `${letters(random, 2)}${nonZeroNumber(random, 3)}${letters(random, 2)}`;
		case 'es': // 1234 BCD
			return `${digits(random, 4)}${letters(random, 3, SPANISH_LETTERS)}`;
		case 'nl': // 12-ABC-3
			return `${digits(random, 2)}${letters(random, 3)}${digits(random, 1)}`;
		default: // WA 12345
			return `${letters(random, 2)}${digits(random, 5)}`;
	}
}

function americanPlate(random: Random): string {
	const layout = random.weighted<string>([
		['ca', 3],
		['ny', 3],
		['short', 2],
		['fl', 1]
	]);
	switch (layout) {
		case 'ca': // 7ABC123
			return `${random.int(1, 9)}${letters(random, 3)}${digits(random, 3)}`;
		case 'ny': // ABC1234
			return `${letters(random, 3)}${digits(random, 4)}`;
		case 'short': // ABC123
			return `${letters(random, 3)}${digits(random, 3)}`;
		default: // ABCD12
			return `${letters(random, 4)}${digits(random, 2)}`;
	}
}

function genericPlate(random: Random): string {
	return random.chance(0.5)
		? `${letters(random, random.int(2, 3))}${digits(random, random.int(3, 4))}`
		: letters(random, random.int(5, 8), LETTERS + '0123456789');
}

/**
 * One plate text (normalised: no spaces) of `country`, valid per `isValidPlate`.
 * `vehicleClass` only matters where the format shows it (Delhi's category letter, no BH series
 * for two-wheelers).
 * @example generatePlate('in', createRandom(1), 'car') // e.g. 'KA05MH4821'
 */
export function generatePlate(
	country: PlateCountry,
	random: Random,
	vehicleClass: VehicleClass = 'car',
	style: PlateStyle = {}
): string {
	// The layouts above are valid by construction; the loop only guards a bad homeRegion or a
	// generic read that came out all letters in a country that needs a digit.
	for (let attempt = 0; attempt < 100; attempt++) {
		const plate = ((): string => {
			switch (country) {
				case 'in':
					return indianPlate(random, vehicleClass, style);
				case 'br':
					return brazilianPlate(random);
				case 'eu':
					return europeanPlate(random);
				case 'us':
					return americanPlate(random);
				case 'generic':
					return genericPlate(random);
			}
		})();
		if (isValidPlate(plate, country)) return plate;
	}
	throw new RangeError(`could not generate a valid ${country} plate (is homeRegion ${style.homeRegion} a state code?)`);
}

/** Hands out plates that were never handed out before in this simulation. */
export interface PlateFactory {
	/** A new valid plate, different from every plate issued so far. */
	fresh(vehicleClass?: VehicleClass): string;
	/** True when the plate was issued by this factory. */
	isIssued(plate: string): boolean;
}

/**
 * A {@link PlateFactory} drawing from `random`.
 * @throws RangeError when `style.homeRegion` is given for India and is not a state code
 */
export function createPlateFactory(country: PlateCountry, random: Random, style: PlateStyle = {}): PlateFactory {
	if (country === 'in' && style.homeRegion !== undefined && !INDIAN_STATE_CODES.has(style.homeRegion)) {
		throw new RangeError(`homeRegion must be an Indian state code, got ${style.homeRegion}`);
	}
	const issued = new Set<string>();
	return {
		fresh(vehicleClass = 'car') {
			for (let attempt = 0; attempt < 1000; attempt++) {
				const plate = generatePlate(country, random, vehicleClass, style);
				if (!issued.has(plate)) {
					issued.add(plate);
					return plate;
				}
			}
			throw new RangeError(`no unused ${country} plate found after 1000 draws`);
		},
		isIssued: (plate) => issued.has(plate)
	};
}
