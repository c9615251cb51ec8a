import { useRef, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldIssue } from '../../../core/errors.ts';
import type { Symbology } from '../../../core/labels/template.ts';
import {
  BINDABLE_FIELDS,
  COMMON_AIS,
  CONDITION_FIELDS,
  fieldKey,
  isGs1Symbology,
  isMatrixSymbology,
  SYMBOLOGIES,
  withSymbology,
  type DraftElement,
} from './draft.ts';
import { CheckField, IssueList, NumberField, SelectField, TextField } from './fields.tsx';

interface Props {
  element: DraftElement;
  /** Issues of this element by field ('' = the element as a whole). */
  issues: Map<string, FieldIssue[]> | undefined;
  readOnly: boolean;
  onChange: (next: DraftElement) => void;
}

type Size = { value: unknown; unit: 'mm' | 'pt' };
const asSize = (v: unknown, fallback: Size): Size =>
  typeof v === 'object' && v !== null && 'value' in v ? (v as Size) : fallback;

/** The property panel of the selected element: position, size, text or barcode binding, condition. */
export function ElementProps({ element: el, issues, readOnly, onChange }: Props) {
  const { t } = useTranslation();
  const p = `le-prop-${el.kind}`;
  const set = (key: string, value: unknown) => {
    const next: DraftElement = { ...el };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  // Issues of a field and its nested parts (size.value, gs1.0.ai).
  const at = (key: string): FieldIssue[] | undefined => {
    if (!issues) return undefined;
    const out: FieldIssue[] = [];
    for (const [k, list] of issues) if (k === key || k.startsWith(`${key}.`)) out.push(...list);
    return out.length > 0 ? out : undefined;
  };
  const mm = t('labelEditor.unit.mm');
  const num = (key: string, label: string, opts: { optional?: boolean; unit?: string; hint?: string } = {}) => (
    <NumberField
      id={`${p}-${key}`}
      label={label}
      value={el[key]}
      unit={opts.unit ?? mm}
      optional={opts.optional}
      hint={opts.hint}
      issues={at(key)}
      disabled={readOnly}
      onChange={(v) => set(key, v)}
    />
  );
  const fieldOptions = BINDABLE_FIELDS.map((f) => ({ value: f, label: fieldLabel(f) }));
  function fieldLabel(path: string): string {
    const line = /^(from|to)\.address\.(\d)$/.exec(path);
    if (line)
      return `${t(`labelEditor.fields.${line[1]}_address`)} ${t('labelEditor.addressLine', { n: Number(line[2]) + 1 })} · {${path}}`;
    return `${t(`labelEditor.fields.${fieldKey(path)}`, { defaultValue: path })} · {${path}}`;
  }

  const sizeField = (key: 'size' | 'hriSize', label: string, fallback: Size) => {
    const size = asSize(el[key], fallback);
    return (
      <div className="le-pair">
        <NumberField
          id={`${p}-${key}`}
          label={label}
          value={size.value}
          issues={at(key)}
          disabled={readOnly}
          onChange={(v) => set(key, { ...size, value: v })}
        />
        <SelectField
          id={`${p}-${key}-unit`}
          label={t('labelEditor.props.unit')}
          value={size.unit}
          options={[
            { value: 'mm', label: t('labelEditor.unit.mm') },
            { value: 'pt', label: t('labelEditor.unit.pt') },
          ]}
          disabled={readOnly}
          onChange={(unit) => set(key, { ...size, unit })}
        />
      </div>
    );
  };

  return (
    <div className="le-props" data-testid="element-props">
      <IssueList id={`${p}-error`} issues={issues?.get('')} />
      <div className="le-grid">
        <TextField
          id={`${p}-id`}
          label={t('labelEditor.props.id')}
          value={el.id}
          mono
          issues={at('id')}
          disabled={readOnly}
          onChange={(v) => set('id', v)}
        />
        <SelectField
          id={`${p}-when`}
          label={t('labelEditor.props.when')}
          value={typeof el['when'] === 'string' ? el['when'] : ''}
          options={[
            { value: '', label: t('labelEditor.props.always') },
            ...CONDITION_FIELDS.map((f) => ({
              value: f,
              label: t('labelEditor.props.whenField', {
                field: f === 'content' ? t('labelEditor.fields.content') : fieldLabel(f),
              }),
            })),
          ]}
          issues={at('when')}
          disabled={readOnly}
          onChange={(v) => set('when', v === '' ? undefined : v)}
        />
        {num('x', t('labelEditor.props.x'))}
        {num('y', t('labelEditor.props.y'))}
      </div>

      {el.kind === 'text' ? (
        <>
          <TextBinding
            id={`${p}-text`}
            label={t('labelEditor.props.text')}
            value={typeof el['text'] === 'string' ? el['text'] : ''}
            fields={fieldOptions}
            issues={at('text')}
            readOnly={readOnly}
            multiline
            onChange={(v) => set('text', v)}
          />
          <div className="le-grid">
            {sizeField('size', t('labelEditor.props.fontSize'), { value: 3, unit: 'mm' })}
            <SelectField
              id={`${p}-align`}
              label={t('labelEditor.props.align')}
              value={typeof el['align'] === 'string' ? (el['align'] as 'left') : 'left'}
              options={(['left', 'center', 'right'] as const).map((a) => ({
                value: a,
                label: t(`labelEditor.align.${a}`),
              }))}
              issues={at('align')}
              disabled={readOnly}
              onChange={(v) => set('align', v)}
            />
            {num('maxWidth', t('labelEditor.props.maxWidth'), {
              optional: true,
              hint: t('labelEditor.props.maxWidthHint'),
            })}
            {num('maxLines', t('labelEditor.props.maxLines'), { unit: '' })}
            <CheckField
              id={`${p}-bold`}
              label={t('labelEditor.props.bold')}
              checked={el['bold'] === true}
              disabled={readOnly}
              onChange={(v) => set('bold', v)}
            />
          </div>
        </>
      ) : null}

      {el.kind === 'barcode' ? (
        <>
          <div className="le-grid">
            <SelectField
              id={`${p}-symbology`}
              label={t('labelEditor.props.symbology')}
              value={el['symbology'] as Symbology}
              options={SYMBOLOGIES.map((s) => ({ value: s, label: t(`labelEditor.symbology.${s}`) }))}
              issues={at('symbology')}
              disabled={readOnly}
              onChange={(s) => onChange(withSymbology(el, s))}
            />
            <CheckField
              id={`${p}-hri`}
              label={t('labelEditor.props.hri')}
              checked={el['hri'] !== false}
              disabled={readOnly}
              onChange={(v) => set('hri', v)}
            />
          </div>
          {isGs1Symbology(el['symbology']) ? (
            <Gs1Bindings
              id={`${p}-gs1`}
              value={Array.isArray(el['gs1']) ? (el['gs1'] as { ai: string; field: string }[]) : []}
              fields={fieldOptions}
              issues={at('gs1')}
              readOnly={readOnly}
              onChange={(v) => set('gs1', v)}
            />
          ) : (
            <TextBinding
              id={`${p}-data`}
              label={t('labelEditor.props.data')}
              value={typeof el['data'] === 'string' ? el['data'] : ''}
              fields={fieldOptions}
              issues={at('data')}
              readOnly={readOnly}
              onChange={(v) => set('data', v === '' ? undefined : v)}
            />
          )}
          <div className="le-grid">
            {num('targetWidthMm', t('labelEditor.props.targetWidth'), {
              optional: true,
              hint: t('labelEditor.props.targetWidthHint'),
            })}
            {num('moduleDots', t('labelEditor.props.moduleDots'), {
              optional: true,
              unit: t('labelEditor.unit.dots'),
              hint: t('labelEditor.props.moduleDotsHint'),
            })}
            {isMatrixSymbology(el['symbology']) ? null : num('heightMm', t('labelEditor.props.barHeight'))}
            {el['hri'] !== false
              ? sizeField('hriSize', t('labelEditor.props.hriSize'), { value: 2.6, unit: 'mm' })
              : null}
          </div>
        </>
      ) : null}

      {el.kind === 'line' ? (
        <div className="le-grid">
          {num('x2', t('labelEditor.props.x2'))}
          {num('y2', t('labelEditor.props.y2'))}
          {num('thicknessMm', t('labelEditor.props.thickness'))}
        </div>
      ) : null}

      {el.kind === 'box' ? (
        <div className="le-grid">
          {num('widthMm', t('labelEditor.props.width'))}
          {num('heightMm', t('labelEditor.props.height'))}
          {num('thicknessMm', t('labelEditor.props.thickness'))}
          <CheckField
            id={`${p}-filled`}
            label={t('labelEditor.props.filled')}
            checked={el['filled'] === true}
            disabled={readOnly}
            onChange={(v) => set('filled', v)}
          />
        </div>
      ) : null}

      {el.kind === 'image' ? (
        <>
          <div className="le-grid">
            {num('widthMm', t('labelEditor.props.width'))}
            {num('heightMm', t('labelEditor.props.height'))}
          </div>
          <ImagePick
            id={`${p}-png`}
            png={typeof el['png'] === 'string' ? el['png'] : ''}
            issues={at('png')}
            readOnly={readOnly}
            onChange={(v) => set('png', v)}
          />
        </>
      ) : null}
    </div>
  );
}

/** A text pattern with `{field}` placeholders and a picker that inserts a field at the cursor. */
function TextBinding({
  id,
  label,
  value,
  fields,
  issues,
  readOnly,
  multiline,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  fields: readonly { value: string; label: string }[];
  issues: FieldIssue[] | undefined;
  readOnly: boolean;
  multiline?: boolean;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const insert = (path: string) => {
    const box = ref.current;
    const token = `{${path}}`;
    const start = box?.selectionStart ?? value.length;
    const end = box?.selectionEnd ?? value.length;
    onChange(value.slice(0, start) + token + value.slice(end));
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(start + token.length, start + token.length);
    });
  };
  const common = {
    id,
    ref,
    value,
    disabled: readOnly,
    spellCheck: false,
    'aria-invalid': issues ? true : undefined,
    'aria-describedby': issues ? `${id}-error` : `${id}-hint`,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value),
  };
  return (
    <div className="field le-binding">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea rows={2} {...common} />
      ) : (
        <input type="text" autoComplete="off" className="mono" {...common} />
      )}
      <div className="le-binding-foot">
        <p id={`${id}-hint`} className="field-hint">
          {t('labelEditor.props.bindingHint')}
        </p>
        <select
          aria-label={t('labelEditor.props.insertField', { what: label })}
          className="le-insert"
          disabled={readOnly}
          value=""
          onChange={(e) => {
            if (e.target.value) insert(e.target.value);
          }}
        >
          <option value="">{t('labelEditor.props.insertFieldShort')}</option>
          {fields.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <IssueList id={`${id}-error`} issues={issues} />
    </div>
  );
}

/** The GS1 element list of a barcode: one AI per row, each bound to a LabelData field. */
function Gs1Bindings({
  id,
  value,
  fields,
  issues,
  readOnly,
  onChange,
}: {
  id: string;
  value: { ai: string; field: string }[];
  fields: readonly { value: string; label: string }[];
  issues: FieldIssue[] | undefined;
  readOnly: boolean;
  onChange: (v: { ai: string; field: string }[]) => void;
}) {
  const { t } = useTranslation();
  const row = (i: number, patch: Partial<{ ai: string; field: string }>) =>
    onChange(value.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  const rowIssues = (i: number) => issues?.filter((x) => new RegExp(`\\.gs1\\.${i}(\\.|$)`).test(x.path));
  const unused = COMMON_AIS.find((c) => !value.some((b) => b.ai === c.ai)) ?? COMMON_AIS[0]!;
  return (
    <fieldset className="le-gs1" aria-describedby={issues ? `${id}-error` : undefined}>
      <legend>{t('labelEditor.props.gs1')}</legend>
      <table className="le-gs1-table">
        <thead>
          <tr>
            <th scope="col">{t('labelEditor.props.ai')}</th>
            <th scope="col">{t('labelEditor.props.field')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('labelEditor.actions.label')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {value.map((b, i) => {
            const bad = rowIssues(i);
            return (
              <tr key={i}>
                <td>
                  <input
                    type="text"
                    className="mono le-ai"
                    inputMode="numeric"
                    list={`${id}-ais`}
                    aria-label={t('labelEditor.props.aiOfRow', { n: i + 1 })}
                    aria-invalid={bad && bad.length > 0 ? true : undefined}
                    disabled={readOnly}
                    value={b.ai}
                    onChange={(e) => {
                      const ai = e.target.value.trim();
                      const known = COMMON_AIS.find((c) => c.ai === ai);
                      // Picking a known AI also binds the field it usually carries, unless one was chosen.
                      row(i, known && b.field === '' ? { ai, field: known.field } : { ai });
                    }}
                  />
                </td>
                <td>
                  <select
                    aria-label={t('labelEditor.props.fieldOfRow', { n: i + 1 })}
                    disabled={readOnly}
                    value={b.field}
                    onChange={(e) => row(i, { field: e.target.value })}
                  >
                    {fields.some((f) => f.value === b.field) ? null : <option value={b.field}>{b.field}</option>}
                    {fields.map((f) => (
                      <option key={f.value} value={f.value}>
                        {f.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-quiet btn-small"
                    disabled={readOnly || value.length <= 1}
                    aria-label={t('labelEditor.props.removeAi', { ai: b.ai })}
                    onClick={() => onChange(value.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <datalist id={`${id}-ais`}>
        {COMMON_AIS.map((c) => (
          <option key={c.ai} value={c.ai}>
            {t(`labelEditor.ais.${c.ai}`, { defaultValue: c.ai })}
          </option>
        ))}
      </datalist>
      <button
        type="button"
        className="btn btn-small"
        disabled={readOnly || value.length >= 20}
        onClick={() => onChange([...value, { ai: unused.ai, field: unused.field }])}
      >
        {t('labelEditor.props.addAi')}
      </button>
      <IssueList id={`${id}-error`} issues={issues} />
    </fieldset>
  );
}

/** A PNG from a file, kept as base64 without the data: prefix (the model's form). */
function ImagePick({
  id,
  png,
  issues,
  readOnly,
  onChange,
}: {
  id: string;
  png: string;
  issues: FieldIssue[] | undefined;
  readOnly: boolean;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      // Anything that is not a PNG is passed on as it is, so validation names the problem.
      onChange(url.replace(/^data:image\/png;base64,/, ''));
    };
    reader.readAsDataURL(file);
  };
  return (
    <div className="field le-image">
      <label htmlFor={id}>{t('labelEditor.props.png')}</label>
      <div className="le-image-row">
        {/^iVBORw0KGgo/.test(png) ? <img src={`data:image/png;base64,${png}`} alt="" className="le-thumb" /> : null}
        <input id={id} type="file" accept="image/png" disabled={readOnly} onChange={pick} />
      </div>
      <p className="field-hint">{t('labelEditor.props.pngHint')}</p>
      <IssueList id={`${id}-error`} issues={issues} />
    </div>
  );
}
