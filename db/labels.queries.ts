import { AppError } from '../core/errors.ts';
import { DEFAULT_TEMPLATES } from '../core/labels/defaults.ts';
import { labelTemplate, type LabelTemplate } from '../core/labels/template.ts';
import type { Database } from './connect.ts';

/** A label template as the app lists it: the built-in GS1 labels first, then the saved ones. */
export interface TemplateEntry {
  id: string;
  name: string;
  builtIn: boolean;
  active: boolean;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  template: LabelTemplate;
}

const builtIn = (t: LabelTemplate): TemplateEntry => ({
  id: t.id,
  name: t.name,
  builtIn: true,
  active: true,
  version: 1,
  updatedAt: null,
  updatedBy: null,
  template: t,
});

export async function listTemplates(
  db: Database,
  options: { includeInactive?: boolean } = {},
): Promise<TemplateEntry[]> {
  let q = db.selectFrom('label_templates').selectAll().orderBy('name');
  if (!options.includeInactive) q = q.where('active', '=', 1);
  const rows = await q.execute();
  return [
    ...DEFAULT_TEMPLATES.map(builtIn),
    ...rows.map((r) => ({
      id: r.id,
      name: r.name,
      builtIn: false,
      active: r.active === 1,
      version: r.version,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
      // Saved bodies were validated by the command; parse again so defaults of newer fields apply.
      template: labelTemplate.parse({ ...(JSON.parse(r.body) as object), id: r.id, name: r.name }),
    })),
  ];
}

export async function getTemplate(db: Database, id: string): Promise<TemplateEntry> {
  const fixed = DEFAULT_TEMPLATES.find((t) => t.id === id);
  if (fixed) return builtIn(fixed);
  const r = await db.selectFrom('label_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('label.unknown-template', `No label template ${id}`, { id });
  return {
    id: r.id,
    name: r.name,
    builtIn: false,
    active: r.active === 1,
    version: r.version,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    template: labelTemplate.parse({ ...(JSON.parse(r.body) as object), id: r.id, name: r.name }),
  };
}
