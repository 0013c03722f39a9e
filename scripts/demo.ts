/**
 * `npm run demo`: fills a demo lot with a simulated month of traffic (entries, exits, payments,
 * permits, hotlist hits and injected faults that become anomalies), through the parking
 * simulator on the app's database, so a new install shows a living dashboard and reports.
 * Options go to `npm run simulate` (e.g. `npm run demo -- --lot "Forum Mall" --days 7`);
 * defaults: --lot "Demo Mall" --days 30 --seed 2026.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const has = (flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));
const defaults = [...(has('--lot') ? [] : ['--lot', 'Demo Mall']), ...(has('--days') || has('--hours') ? [] : ['--days', '30']), ...(has('--seed') ? [] : ['--seed', '2026'])];
console.log(`Filling a demo lot with a simulated month: npm run simulate -- ${[...defaults, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
const run = spawnSync(process.execPath, [join(import.meta.dirname, 'simulate.ts'), ...defaults, ...args], { stdio: 'inherit' });
if (run.status === 0) console.log('\nDone: start the app (npm start) and open /admin for the dashboard, /admin/reports for the month.');
process.exit(run.status ?? 1);
