import { runFoundation } from './foundation.ts';
import { runInventory } from './inventory.ts';

/**
 * npm run bench [-- --quick] [-- --suite=foundation|inventory] [-- --only=I1,I3]
 * One entry point for every suite; each writes its JSON to bench/results/ and prints it.
 * --quick runs each suite small and short (a smoke test of the benchmarks themselves);
 * --only picks inventory benchmarks by id (the seed always runs).
 */
const quick = process.argv.includes('--quick');
const suite = process.argv.find((a) => a.startsWith('--suite='))?.slice('--suite='.length) ?? 'all';
const SUITES = ['all', 'foundation', 'inventory'];
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
if (suite === 'all' || suite === 'inventory') await runInventory(quick, only);
