/**
 * Ports of the instances the ops suites start themselves, past Playwright's three web servers
 * (E2E_PORT_BASE, +1, +2; see playwright.config.ts), so that two runs on one machine differ.
 */
const BASE = Number(process.env.E2E_PORT_BASE ?? 4173);

export const OPS_PORTS = { scaleA: BASE + 30, scaleB: BASE + 31, faults: BASE + 32 } as const;
