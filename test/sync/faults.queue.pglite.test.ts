import { queuedCommandsSuite } from './faults.queue.ts';

queuedCommandsSuite('pglite');
