import type { Database } from '../../db/connect.ts';
import { getTemplate, listTemplates } from '../../db/labels.queries.ts';
import { AppError } from '../../core/errors.ts';
import type { QueryHandlers } from './queries.ts';

/** Label template channels; the preview renders through printing/ (issue 6). */
export function labelQueryHandlers(
  db: Database,
): Pick<QueryHandlers, 'labelTemplates.list' | 'labelTemplates.get' | 'labels.preview'> {
  return {
    'labelTemplates.list': async (input) => ({ rows: await listTemplates(db, input) }),
    'labelTemplates.get': ({ id }) => getTemplate(db, id),
    'labels.preview': () => Promise.reject(new AppError('label.invalid-template', 'Preview is not built yet')),
  };
}
