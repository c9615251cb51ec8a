import type { Database } from '../../db/connect.ts';
import { getAsn, labelDataFor, listAppointments, listAsns, purchaseLines } from '../../db/dock.queries.ts';
import type { QueryHandlers } from './queries.ts';

/** The dock's read channels (issue 6): answered from the local replica, so they work offline. */
export function dockQueryHandlers(
  db: Database,
): Pick<QueryHandlers, 'dock.purchaseLines' | 'asns.list' | 'asns.get' | 'asns.labelData' | 'appointments.list'> {
  return {
    'dock.purchaseLines': async (input) => ({ rows: await purchaseLines(db, input) }),
    'asns.list': async (input) => ({ rows: await listAsns(db, input) }),
    'asns.get': ({ id }) => getAsn(db, id),
    'asns.labelData': async ({ asnId, unitIds }) => ({ labels: await labelDataFor(db, asnId, unitIds) }),
    'appointments.list': async (input) => ({ rows: await listAppointments(db, input) }),
  };
}
