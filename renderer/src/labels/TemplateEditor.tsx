import { useTranslation } from 'react-i18next';
import type { FieldIssue } from '../../../core/errors.ts';
import { ElementProps } from './ElementProps.tsx';
import {
  ELEMENT_KINDS,
  moveItem,
  newElement,
  presetOf,
  SIZE_PRESETS,
  type Draft,
  type DraftElement,
  type IssueMap,
  type SizePreset,
} from './draft.ts';
import { IssueList, NumberField, SelectField, TextField } from './fields.tsx';

interface Props {
  draft: Draft;
  issues: IssueMap;
  readOnly: boolean;
  /** Index of the selected element (ids may clash while the clerk edits them). */
  selected: number | null;
  onSelect: (index: number | null) => void;
  onChange: (next: Draft) => void;
}

/** Text shown for an element in the list: what it prints, in short. */
function summary(el: DraftElement): string {
  if (el.kind === 'text' && typeof el['text'] === 'string') return el['text'].replaceAll('\n', ' ⏎ ');
  if (el.kind === 'barcode') {
    const gs1 = el['gs1'];
    if (Array.isArray(gs1)) return gs1.map((b: { ai?: unknown }) => `(${String(b.ai)})`).join('');
    return typeof el['data'] === 'string' ? el['data'] : '';
  }
  return '';
}

/** The form half of the editor: label size and resolution, the element list, the selected element's properties. */
export function TemplateEditor({ draft, issues, readOnly, selected: selectedIndex, onSelect, onChange }: Props) {
  const { t } = useTranslation();
  const preset = presetOf(draft);
  const at = (key: string): FieldIssue[] | undefined => issues.template.get(key);
  const setElements = (elements: DraftElement[]) => onChange({ ...draft, elements });
  const selected = selectedIndex === null ? null : (draft.elements[selectedIndex] ?? null);
  // Reordering keeps the same element selected.
  const move = (from: number, to: number) => {
    setElements(moveItem(draft.elements, from, to));
    if (selectedIndex === from) onSelect(to);
    else if (selectedIndex === to) onSelect(from);
  };

  return (
    <div className="le-form">
      <section className="le-section" aria-labelledby="le-label-title">
        <h3 id="le-label-title">{t('labelEditor.sections.label')}</h3>
        <div className="le-grid">
          <TextField
            id="le-name"
            className="span-2"
            label={t('labelEditor.template.name')}
            value={draft.name}
            issues={at('name')}
            disabled={readOnly}
            onChange={(name) => onChange({ ...draft, name })}
          />
          <SelectField<SizePreset>
            id="le-preset"
            label={t('labelEditor.template.size')}
            value={preset}
            options={[
              ...SIZE_PRESETS.map((p) => ({ value: p.id, label: t(`labelEditor.presets.${p.id}`) })),
              { value: 'custom', label: t('labelEditor.presets.custom') },
            ]}
            disabled={readOnly}
            onChange={(id) => {
              const p = SIZE_PRESETS.find((x) => x.id === id);
              if (p) onChange({ ...draft, widthMm: p.widthMm, heightMm: p.heightMm });
            }}
          />
          <SelectField
            id="le-dpi"
            label={t('labelEditor.template.dpi')}
            value={String(draft.dpi ?? 203) as '203' | '300'}
            options={[
              { value: '203', label: t('labelEditor.template.dpiValue', { dpi: 203 }) },
              { value: '300', label: t('labelEditor.template.dpiValue', { dpi: 300 }) },
            ]}
            issues={at('dpi')}
            disabled={readOnly}
            onChange={(v) => onChange({ ...draft, dpi: Number(v) })}
          />
          <NumberField
            id="le-width"
            label={t('labelEditor.template.width')}
            unit={t('labelEditor.unit.mm')}
            value={draft.widthMm}
            issues={at('widthMm')}
            disabled={readOnly}
            onChange={(widthMm) => onChange({ ...draft, widthMm })}
          />
          <NumberField
            id="le-height"
            label={t('labelEditor.template.height')}
            unit={t('labelEditor.unit.mm')}
            value={draft.heightMm}
            issues={at('heightMm')}
            disabled={readOnly}
            onChange={(heightMm) => onChange({ ...draft, heightMm })}
          />
        </div>
      </section>

      <section className="le-section" aria-labelledby="le-elements-title">
        <div className="le-section-head">
          <h3 id="le-elements-title">{t('labelEditor.sections.elements', { count: draft.elements.length })}</h3>
          <div className="le-add" role="group" aria-label={t('labelEditor.add.label')}>
            {ELEMENT_KINDS.map((kind) => (
              <button
                key={kind}
                type="button"
                className="btn btn-small"
                disabled={readOnly}
                onClick={() => {
                  const el = newElement(kind, draft);
                  setElements([...draft.elements, el]);
                  onSelect(draft.elements.length);
                }}
              >
                + {t(`labelEditor.kinds.${kind}`)}
              </button>
            ))}
          </div>
        </div>
        <IssueList id="le-elements-error" issues={at('elements')} />
        <ol className="le-elements" aria-label={t('labelEditor.sections.elementList')}>
          {draft.elements.map((el, i) => {
            const bad = issues.elements.has(i);
            const isSel = i === selectedIndex;
            return (
              <li key={`${i}-${el.id}`} className={isSel ? 'le-el selected' : 'le-el'} data-testid="element-row">
                <button
                  type="button"
                  className="le-el-pick"
                  aria-pressed={isSel}
                  onClick={() => onSelect(isSel ? null : i)}
                >
                  <span className={`le-kind le-kind-${el.kind}`}>{t(`labelEditor.kinds.${el.kind}`)}</span>
                  <span className="le-el-id mono">{el.id}</span>
                  <span className="le-el-sum">{summary(el)}</span>
                  {bad ? (
                    <span className="le-el-bad" title={t('labelEditor.elementHasIssues')}>
                      !<span className="visually-hidden">{t('labelEditor.elementHasIssues')}</span>
                    </span>
                  ) : null}
                </button>
                <span className="le-el-actions">
                  <button
                    type="button"
                    className="btn btn-tiny"
                    disabled={readOnly || i === 0}
                    aria-label={t('labelEditor.actions.up', { id: el.id })}
                    onClick={() => move(i, i - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-tiny"
                    disabled={readOnly || i === draft.elements.length - 1}
                    aria-label={t('labelEditor.actions.down', { id: el.id })}
                    onClick={() => move(i, i + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn btn-tiny btn-quiet"
                    disabled={readOnly}
                    aria-label={t('labelEditor.actions.delete', { id: el.id })}
                    onClick={() => {
                      setElements(draft.elements.filter((_, j) => j !== i));
                      if (isSel) onSelect(null);
                      else if (selectedIndex !== null && selectedIndex > i) onSelect(selectedIndex - 1);
                    }}
                  >
                    ×
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      </section>

      <section className="le-section" aria-labelledby="le-props-title">
        <h3 id="le-props-title">
          {selected
            ? t('labelEditor.sections.props', { kind: t(`labelEditor.kinds.${selected.kind}`), id: selected.id })
            : t('labelEditor.sections.propsNone')}
        </h3>
        {selected ? (
          <ElementProps
            key={selectedIndex}
            element={selected}
            issues={issues.elements.get(selectedIndex!)}
            readOnly={readOnly}
            onChange={(next) => setElements(draft.elements.map((e, j) => (j === selectedIndex ? next : e)))}
          />
        ) : (
          <p className="muted le-hint">{t('labelEditor.pickElement')}</p>
        )}
      </section>
    </div>
  );
}
