/**
 * SPMS parking rules: pure functions of their inputs (instants are passed in, never read), safe
 * to use on the server and in the browser. Import from `$lib/parking`.
 */
export { err, ok, type Result } from './result.ts';
export {
	INDIAN_STATE_CODES,
	MAX_PLATE_LENGTH,
	PLATE_COUNTRIES,
	isValidPlate,
	normalisePlate,
	parsePlate,
	type ParsedPlate,
	type PlateCountry,
	type PlateTextError
} from './plates.ts';
export {
	CONFUSABLE_PAIRS,
	EDIT_COST,
	STRONG_CONFUSION_COST,
	WEAK_CONFUSION_COST,
	confusablesOf,
	findConfusableMatches,
	plateDistance,
	substitutionCost,
	type ConfusableMatch,
	type ConfusableMatchOptions
} from './similarity.ts';
export {
	MAX_ALTERNATIVES_PER_CHAR,
	MAX_SUBSTITUTIONS,
	correctToFormat,
	type CharCandidate,
	type Correction,
	type CorrectionOptions,
	type Substitution
} from './correct.ts';
export {
	addDays,
	formatLocalDate,
	isValidTimeZone,
	localDateAt,
	localDateTimeAt,
	offsetMsAt,
	wallTimeToUtc,
	type LocalDate,
	type LocalDateTime
} from './time-zone.ts';
export {
	CAP_WINDOW_MINUTES,
	MAX_AMOUNT_PAISE,
	VEHICLE_CLASSES,
	chargeSchema,
	currencySchema,
	defaultPlan,
	flatChargeSchema,
	hourlyChargeSchema,
	lotTariffSchema,
	nightChargeSchema,
	planForVehicle,
	slabsChargeSchema,
	tariffPlanSchema,
	timeZoneSchema,
	vehicleClassSchema,
	type Charge,
	type LotTariff,
	type TariffPlan,
	type TariffPlanInput,
	type VehicleClass
} from './tariff-plan.ts';
export { MAX_STAY_MS, fee, type Fee, type FeeError, type FeeLine, type FeeOptions } from './tariff.ts';
export { currencyFractionDigits, formatMoney, fromMinorUnits, toMinorUnits, type MoneyError } from './money.ts';
export {
	ANOMALY_KINDS,
	anomalyKey,
	duplicateEntry,
	exitMatch,
	isLongStay,
	DEFAULT_OCR_CONFIDENCE_THRESHOLD,
	isLowConfidence,
	overCapacity,
	permitExpiredWhileParked,
	type AnomalyKeyInput,
	type AnomalyKind,
	type ExitMatch,
	type OpenSession,
	type PermitValidity
} from './anomaly-rules.ts';
