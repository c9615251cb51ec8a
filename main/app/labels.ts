import type { Database } from '../../db/connect.ts';
import { getTemplate, listTemplates } from '../../db/labels.queries.ts';
import { validateTemplate } from '../../core/labels/bind.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import { renderLabels } from '../../printing/labels/render.ts';
import type { QueryHandlers } from './queries.ts';

/**
 * Label template channels. The preview takes the editor's unsaved template as it stands, so it
 * is validated here exactly as the save command will (label.invalid-template with field issues,
 * label.unknown-field), and the clerk sees the same refusal before saving as after.
 */
export function labelQueryHandlers(
  db: Database,
): Pick<QueryHandlers, 'labelTemplates.list' | 'labelTemplates.get' | 'labels.preview'> {
  return {
    'labelTemplates.list': async (input) => ({ rows: await listTemplates(db, input) }),
    'labelTemplates.get': ({ id }) => getTemplate(db, id),
    'labels.preview': async ({ template, data, format }) => {
      const valid = validateTemplate(template);
      const bytes = await renderLabels(valid, [data ?? SAMPLE_LABEL_DATA], format);
      // PNG travels as base64 so both transports (IPC and the web shell's JSON) carry it unchanged.
      const content = format === 'png' ? Buffer.from(bytes).toString('base64') : new TextDecoder().decode(bytes);
      return { format, content };
    },
  };
}
