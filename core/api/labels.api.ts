import { z } from 'zod';
import { saveLabelTemplateFields } from '../dock/schemas.ts';
import { labelData } from '../labels/data.ts';
import type { LabelTemplate } from '../labels/template.ts';
import { command, query, type Endpoint } from './endpoint.ts';

export const templateEntry = z.object({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  active: z.boolean(),
  version: z.number(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  // Validated where it is saved (the command) and where it is read (db/labels.queries.ts).
  template: z.custom<LabelTemplate>((v) => typeof v === 'object' && v !== null),
});
export type TemplateEntryOut = z.output<typeof templateEntry>;

/** Label templates (built-in GS1 labels and the administrator's own) and their live preview. */
export const labelsApi = {
  'labelTemplates.list': query(
    z.object({ includeInactive: z.boolean().optional() }),
    z.object({ rows: z.array(templateEntry) }),
  ),
  'labelTemplates.get': query(z.object({ id: z.string().min(1).max(64) }), templateEntry),
  'labelTemplates.save': command(
    'saveLabelTemplate',
    saveLabelTemplateFields,
    z.object({ id: z.string(), version: z.number() }),
  ),
  /** Renders a (possibly unsaved) template with sample or real data, for the editor's preview. */
  'labels.preview': query(
    z.object({ template: z.unknown(), data: labelData.optional(), format: z.enum(['svg', 'png']).default('svg') }),
    z.object({ format: z.enum(['svg', 'png']), content: z.string() }),
  ),
} as const satisfies Record<string, Endpoint>;
