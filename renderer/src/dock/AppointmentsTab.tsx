import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentOut, AsnSummary } from '../../../core/api/dock.api.ts';
import { assertAppointmentTransition } from '../../../core/dock/rules.ts';
import { APPOINTMENT_STATUSES, type AppointmentStatus } from '../../../core/dock/schemas.ts';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { issueText } from '../i18n/messages.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { localToday } from '../inventory/format.ts';
import { useUi } from '../state/ui.ts';
import { dayRange, formatWhen, isWarehouse, localDateTimeToIso } from './format.ts';
import type { DockUser } from './session.ts';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

const APPT_TONE: Record<AppointmentStatus, string> = {
  requested: 'tone-info',
  confirmed: 'tone-progress',
  arrived: 'tone-progress',
  completed: 'tone-good',
  no_show: 'tone-bad',
  cancelled: 'tone-muted',
};

export function AppointmentStatusChip({ status }: { status: AppointmentStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`chip ${APPT_TONE[status]}`} data-status={status}>
      {t(`dock.apptStatuses.${status}`)}
    </span>
  );
}

/** The steps this clerk may take from a status (the command's own rule decides). */
function nextSteps(from: AppointmentStatus, byWarehouse: boolean): AppointmentStatus[] {
  return APPOINTMENT_STATUSES.filter((to) => {
    try {
      assertAppointmentTransition(from, to, byWarehouse);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Dock appointments (预约) of one day, by dock: a supplier books a slot (and may cancel it); the
 * warehouse confirms, records the arrival (which checks the ASN in) and the outcome.
 */
export function AppointmentsTab({ user }: { user: DockUser }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const [day, setDay] = useState(localToday());
  const [dock, setDock] = useState('');
  const [rows, setRows] = useState<AppointmentOut[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [booking, setBooking] = useState(false);
  const [changes, setChanges] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const byWarehouse = isWarehouse(user.roles);

  useEffect(() => {
    const range = dayRange(day);
    if (!range) return;
    let alive = true;
    void oms['appointments.list'](range).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setRows(r.data.rows);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      alive = false;
    };
  }, [day, changes]);

  const docks = useMemo(() => [...new Set((rows ?? []).map((r) => r.dock))].sort(), [rows]);
  const shown = useMemo(
    () => (rows ?? []).filter((r) => !dock || r.dock === dock).sort((a, b) => a.slotStart.localeCompare(b.slotStart)),
    [rows, dock],
  );

  const setStatus = useCallback(
    async (a: AppointmentOut, status: AppointmentStatus) => {
      setBusy(a.id);
      const r = await oms['appointments.setStatus']({ appointmentId: a.id, expectedVersion: a.version, status });
      setBusy(null);
      if (!r.ok) return setError(r.error);
      showToast(t('dock.appt.statusSet', { dock: a.dock, status: t(`dock.apptStatuses.${status}`) }));
      setChanges((c) => c + 1);
    },
    [showToast, t],
  );

  return (
    <div className="dock-appointments">
      <div className="toolbar">
        <div className="field-inline">
          <label htmlFor="appt-day">{t('dock.appt.day')}</label>
          <input id="appt-day" type="date" value={day} onChange={(e) => setDay(e.target.value)} />
        </div>
        <div className="field-inline">
          <label htmlFor="appt-dock">{t('dock.fields.dock')}</label>
          <select id="appt-dock" value={dock} onChange={(e) => setDock(e.target.value)}>
            <option value="">{t('dock.appt.allDocks')}</option>
            {docks.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn btn-primary toolbar-end" onClick={() => setBooking(true)}>
          {t('dock.appt.book')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {rows === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : shown.length === 0 ? (
        <p className="muted">{t('dock.appt.none')}</p>
      ) : (
        <table className="data-table" aria-label={t('dock.appt.tableLabel', { day })}>
          <thead>
            <tr>
              <th scope="col">{t('dock.appt.slot')}</th>
              <th scope="col">{t('dock.fields.dock')}</th>
              <th scope="col">{t('dock.fields.supplier')}</th>
              <th scope="col">{t('dock.fields.warehouse')}</th>
              <th scope="col">{t('dock.fields.asn')}</th>
              <th scope="col">{t('dock.fields.status')}</th>
              <th scope="col">{t('dock.fields.note')}</th>
              <th scope="col">{t('dock.appt.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.id}>
                <td>
                  {formatWhen(a.slotStart, lang)}–{formatWhen(a.slotEnd, lang)}
                </td>
                <td>
                  <strong>{a.dock}</strong>
                </td>
                <td>{a.supplierName}</td>
                <td>{a.warehouseName}</td>
                <td className="mono">{a.asnNumber ?? '—'}</td>
                <td>
                  <AppointmentStatusChip status={a.status} />
                </td>
                <td>{a.note ?? ''}</td>
                <td className="row-actions">
                  {nextSteps(a.status, byWarehouse).map((s) => (
                    <button
                      key={s}
                      type="button"
                      className={s === 'cancelled' || s === 'no_show' ? 'btn btn-small btn-danger' : 'btn btn-small'}
                      disabled={busy === a.id}
                      onClick={() => void setStatus(a, s)}
                    >
                      {t(`dock.appt.to.${s}`)}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {booking ? (
        <BookDialog
          user={user}
          day={day}
          onCancel={() => setBooking(false)}
          onBooked={() => {
            setBooking(false);
            setChanges((c) => c + 1);
          }}
        />
      ) : null}
    </div>
  );
}

interface Named {
  id: string;
  code: string;
  name: string;
}

function BookDialog({
  user,
  day,
  onCancel,
  onBooked,
}: {
  user: DockUser;
  day: string;
  onCancel: () => void;
  onBooked: () => void;
}) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [suppliers, setSuppliers] = useState<Named[]>([]);
  const [warehouses, setWarehouses] = useState<Named[]>([]);
  const [asns, setAsns] = useState<AsnSummary[]>([]);
  const [supplierId, setSupplierId] = useState(user.supplierId ?? '');
  const [warehouseId, setWarehouseId] = useState('');
  const [asnId, setAsnId] = useState('');
  const [dock, setDock] = useState('');
  const [start, setStart] = useState(`${day}T09:00`);
  const [end, setEnd] = useState(`${day}T10:00`);
  const [note, setNote] = useState('');
  const [issues, setIssues] = useState<Record<string, FieldIssue>>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void oms['suppliers.list']({}).then((r) => r.ok && setSuppliers(r.data.rows));
    void oms['warehouses.list']({}).then((r) => {
      if (!r.ok) return;
      setWarehouses(r.data.rows);
      if (r.data.rows.length === 1) setWarehouseId(r.data.rows[0]!.id);
    });
    void oms['asns.list']({ status: 'open', limit: 500 }).then((r) => r.ok && setAsns(r.data.rows));
  }, []);

  const asnChoices = asns.filter(
    (a) => (!supplierId || a.supplierId === supplierId) && (!warehouseId || a.warehouseId === warehouseId),
  );

  const submit = async () => {
    if (saving) return;
    const found: Record<string, FieldIssue> = {};
    const s = localDateTimeToIso(start);
    const e = localDateTimeToIso(end);
    if (!supplierId) found['supplierId'] = { path: 'supplierId', code: 'required' };
    if (!warehouseId) found['warehouseId'] = { path: 'warehouseId', code: 'required' };
    if (!dock.trim()) found['dock'] = { path: 'dock', code: 'required' };
    if (!s) found['slotStart'] = { path: 'slotStart', code: 'datetime-format' };
    if (!e) found['slotEnd'] = { path: 'slotEnd', code: 'datetime-format' };
    if (s && e && Date.parse(e) <= Date.parse(s)) found['slotEnd'] = { path: 'slotEnd', code: 'slot-order' };
    setIssues(found);
    if (Object.keys(found).length > 0 || !s || !e) return;
    setSaving(true);
    const r = await oms['appointments.book']({
      asnId: asnId || null,
      supplierId,
      warehouseId,
      appointment: { dock: dock.trim(), slotStart: s, slotEnd: e, note },
    });
    setSaving(false);
    if (!r.ok) {
      setFailure(r.error);
      const byField: Record<string, FieldIssue> = {};
      for (const f of r.error.details?.fields ?? []) byField[f.path.replace(/^appointment\./, '')] = f;
      setIssues(byField);
      return;
    }
    showToast(t('dock.appt.booked', { dock: dock.trim() }));
    onBooked();
  };

  const issue = (k: string) =>
    issues[k] ? (
      <p className="field-error" id={`appt-${k}-error`}>
        {issueText(t, issues[k])}
      </p>
    ) : null;

  return (
    <Dialog
      title={t('dock.appt.bookTitle')}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      footer={
        <DialogFooter keys={t('dock.keys.form')} confirm={t('dock.appt.book')} saving={saving} onCancel={onCancel} />
      }
    >
      <ErrorBanner error={failure} />
      <div className="form-body">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="appt-supplier">{t('dock.fields.supplier')}</label>
            <select
              id="appt-supplier"
              value={supplierId}
              disabled={user.supplierId !== null}
              aria-invalid={issues['supplierId'] ? true : undefined}
              onChange={(e) => setSupplierId(e.target.value)}
            >
              <option value="">—</option>
              {suppliers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.code} · {s.name}
                </option>
              ))}
            </select>
            {issue('supplierId')}
          </div>
          <div className="field">
            <label htmlFor="appt-warehouse">{t('dock.fields.warehouse')}</label>
            <select
              id="appt-warehouse"
              value={warehouseId}
              aria-invalid={issues['warehouseId'] ? true : undefined}
              onChange={(e) => setWarehouseId(e.target.value)}
            >
              <option value="">—</option>
              {warehouses.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.code} · {w.name}
                </option>
              ))}
            </select>
            {issue('warehouseId')}
          </div>
          <div className="field">
            <label htmlFor="appt-asn">{t('dock.fields.asn')}</label>
            <select id="appt-asn" value={asnId} onChange={(e) => setAsnId(e.target.value)}>
              <option value="">{t('dock.appt.noAsn')}</option>
              {asnChoices.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.number} · {a.orderNumber}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="appt-dock-no">{t('dock.fields.dock')}</label>
            <input
              id="appt-dock-no"
              type="text"
              maxLength={20}
              value={dock}
              aria-invalid={issues['dock'] ? true : undefined}
              onChange={(e) => setDock(e.target.value)}
            />
            {issue('dock')}
          </div>
          <div className="field">
            <label htmlFor="appt-start">{t('dock.fields.slotStart')}</label>
            <input
              id="appt-start"
              type="datetime-local"
              value={start}
              aria-invalid={issues['slotStart'] ? true : undefined}
              onChange={(e) => setStart(e.target.value)}
            />
            {issue('slotStart')}
          </div>
          <div className="field">
            <label htmlFor="appt-end">{t('dock.fields.slotEnd')}</label>
            <input
              id="appt-end"
              type="datetime-local"
              value={end}
              aria-invalid={issues['slotEnd'] ? true : undefined}
              onChange={(e) => setEnd(e.target.value)}
            />
            {issue('slotEnd')}
          </div>
          <div className="field span-2">
            <label htmlFor="appt-note">{t('dock.fields.note')}</label>
            <input id="appt-note" type="text" maxLength={300} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
        </div>
      </div>
    </Dialog>
  );
}
