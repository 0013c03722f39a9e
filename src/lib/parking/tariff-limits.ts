/**
 * The numeric limits of tariff plans, apart from the zod schemas of `tariff-plan.ts` that enforce
 * them: `fee` (and so the patrol phone, which prices stays offline) needs the numbers, not zod.
 */

/** Length of the window a cap applies to; also the longest grace period that makes sense. */
export const CAP_WINDOW_MINUTES = 24 * 60;
/** Largest single amount a plan may name (₹1 crore), so no fee can leave the safe-integer range. */
export const MAX_AMOUNT_PAISE = 1_000_000_000;
