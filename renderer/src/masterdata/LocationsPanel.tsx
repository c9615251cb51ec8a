import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import {
  LOCATION_KINDS,
  locationFields,
  type LocationRecord,
  type WarehouseRecord,
} from '../../../core/masterdata/schemas.ts';
import { toFieldIssues } from '../../../core/validation.ts';
import { oms } from '../api/client.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';

/** A warehouse's locations: a plain list plus an inline add form. */
export function LocationsPanel({ warehouse }: { warehouse: WarehouseRecord | null }) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [rows, setRows] = useState<LocationRecord[]>([]);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<(typeof LOCATION_KINDS)[number]>('storage');
  const [issue, setIssue] = useState<FieldIssue | null>(null);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const warehouseId = warehouse?.id ?? null;

  const load = useCallback(async () => {
    if (!warehouseId) return;
    const result = await oms['locations.list']({ warehouseId });
    if (result.ok) {
      setRows([...result.data.rows].sort((a, b) => a.code.localeCompare(b.code)));
      setLoadError(null);
    } else setLoadError(result.error);
  }, [warehouseId]);

  useEffect(() => {
    setRows([]);
    setIssue(null);
    setFailure(null);
    void load();
  }, [load]);

  if (!warehouse) {
    return (
      <aside className="detail" aria-label={t('locations.title')}>
        <p className="muted">{t('locations.selectWarehouse')}</p>
      </aside>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setFailure(null);
    const parsed = locationFields.safeParse({ warehouseId: warehouse.id, code, kind, active: true });
    if (!parsed.success) {
      const first = toFieldIssues(parsed.error).find((i) => i.path === 'code');
      setIssue(first ? (first.code === 'invalid-format' ? { ...first, code: 'code-format' } : first) : null);
      if (!first) setFailure({ code: 'validation.invalid-input', message: '' });
      document.getElementById('location-code')?.focus();
      return;
    }
    setIssue(null);
    setSaving(true);
    const result = await oms['locations.create'](parsed.data);
    setSaving(false);
    if (result.ok) {
      setCode('');
      showToast(t('locations.added'));
      void load();
      document.getElementById('location-code')?.focus();
    } else {
      const fieldIssue = result.error.details?.fields?.find((i) => i.path === 'code');
      setIssue(fieldIssue ?? null);
      setFailure(result.error);
      document.getElementById('location-code')?.focus();
    }
  };

  return (
    <aside className="detail" aria-labelledby="locations-title">
      <div className="detail-head">
        <h2 id="locations-title">{t('locations.of', { warehouse: `${warehouse.code} ${warehouse.name}` })}</h2>
      </div>
      {loadError ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, loadError)}</p>
        </div>
      ) : null}
      <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="location-code">{t('fields.locationCode')}</label>
          <input
            id="location-code"
            type="text"
            autoComplete="off"
            value={code}
            aria-invalid={issue ? true : undefined}
            aria-describedby={issue ? 'location-code-error' : undefined}
            onChange={(e) => {
              setCode(e.target.value.toUpperCase());
              setIssue(null);
            }}
          />
          {issue ? (
            <p id="location-code-error" className="field-error">
              {issueText(t, issue)}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="location-kind">{t('fields.locationKind')}</label>
          <select
            id="location-kind"
            value={kind}
            onChange={(e) => {
              const next = LOCATION_KINDS.find((k) => k === e.target.value);
              if (next) setKind(next);
            }}
          >
            {LOCATION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`options.locationKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn" disabled={saving}>
          {saving ? t('locations.adding') : t('locations.add')}
        </button>
      </form>
      {failure && !issue ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, failure)}</p>
        </div>
      ) : null}
      {rows.length === 0 ? (
        <p className="muted">{t('locations.empty')}</p>
      ) : (
        <table className="simple-table">
          <thead>
            <tr>
              <th scope="col">{t('fields.locationCode')}</th>
              <th scope="col">{t('fields.locationKind')}</th>
              <th scope="col">{t('fields.active')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="mono">{r.code}</td>
                <td>{t(`options.locationKind.${r.kind}`)}</td>
                <td>{r.active ? t('common.yes') : t('common.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
