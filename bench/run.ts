import { runDock } from './dock.ts';
import { runFoundation } from './foundation.ts';
import { runInventory } from './inventory.ts';
import { runOrders } from './orders.ts';
import { runSync } from './sync.ts';
import { runSyncFaults } from './syncFaults.ts';

/**
 * npm run bench [-- --quick] [-- --suite=foundation|inventory|orders|sync|sync-faults|dock] [-- --only=I1,I3,L1,L3,S1,S3]
 * One entry point for every suite; each writes its JSON to bench/results/ and prints it.
 * --quick runs each suite small and short (a smoke test of the benchmarks themselves);
 * --only picks inventory (I1–I3) and order-centre (L1–L4) benchmarks by id (their seed always runs).
 */
const quick = process.argv.includes('--quick');
const suite = process.argv.find((a) => a.startsWith('--suite='))?.slice('--suite='.length) ?? 'all';
const SUITES = ['all', 'foundation', 'inventory', 'orders', 'sync', 'sync-faults', 'dock'];
if (!SUITES.includes(suite)) {
  console.error(`--suite must be one of ${SUITES.join(', ')} (got "${suite}")`);
  process.exit(2);
}

if (suite === 'all' || suite === 'foundation') await runFoundation(quick);
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter((x) => x !== '');
const ofSuite = (prefix: string) => {
  if (!only) return undefined;
  const mine = only.filter((id) => id.startsWith(prefix));
  // Ids of another suite only: this suite runs nothing (an empty list would mean "all").
  return mine.length > 0 ? mine : only.length > 0 ? ['none'] : undefined;
};
if (suite === 'all' || suite === 'inventory') {
  const ids = ofSuite('I');
  if (!ids?.includes('none')) await runInventory(quick, ids);
}
if (suite === 'all' || suite === 'orders') {
  const ids = ofSuite('L');
  if (!ids?.includes('none')) await runOrders(quick, ids);
}
if (suite === 'all' || suite === 'sync') {
  const ids = ofSuite('S');
  if (!ids?.includes('none')) await runSync(quick, ids);
}
if (suite === 'all' || suite === 'sync-faults') {
  const ids = ofSuite('S');
  if (!ids || ids.includes('S5')) await runSyncFaults(quick);
}
if (suite === 'all' || suite === 'dock') {
  const ids = ofSuite('P');
  if (!ids?.includes('none')) await runDock(quick);
}
