import { AgGridReact } from 'ag-grid-react';
import type { ColDef, ICellRendererParams, RowDoubleClickedEvent, CellKeyDownEvent } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AsnSummary } from '../../../core/api/dock.api.ts';
import { ASN_STATUSES, type AsnStatus } from '../../../core/dock/schemas.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { formatQty } from '../inventory/format.ts';
import { useDebounced } from '../inventory/useDebounced.ts';
import { GRID_LOCALE_ZH, gridTheme } from '../masterdata/grid.ts';
import { AsnDetailView } from './AsnDetail.tsx';
import { AsnForm } from './AsnForm.tsx';
import { AsnStatusChip, ProvisionalChip } from './AsnParts.tsx';
import { formatWhen, isSupplierDesk } from './format.ts';
import type { DockUser } from './session.ts';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

/**
 * Delivery notes (送货单): the list (a supplier sees its own only — the desktop's replica holds
 * no other), a status filter, search by ASN, purchase order or SSCC; a row opens its detail.
 */
export function AsnsTab({ user, openId, onOpened }: { user: DockUser; openId: string | null; onOpened: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [status, setStatus] = useState<AsnStatus | ''>('');
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search.trim(), 250);
  const [rows, setRows] = useState<AsnSummary[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [detail, setDetail] = useState<string | null>(openId);
  const [creating, setCreating] = useState(false);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    if (openId) {
      setDetail(openId);
      onOpened();
    }
  }, [openId, onOpened]);

  useEffect(() => {
    let alive = true;
    void oms['asns.list']({
      ...(status ? { status } : {}),
      ...(debounced ? { search: debounced.slice(0, 40) } : {}),
      ...(user.supplierId ? { supplierId: user.supplierId } : {}),
      limit: 500,
    }).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setRows(r.data.rows);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      alive = false;
    };
  }, [status, debounced, user.supplierId, changes, detail]);

  const columns = useMemo<ColDef<AsnSummary>[]>(
    () => [
      {
        field: 'number',
        headerName: t('dock.fields.asn'),
        width: 190,
        cellRenderer: (p: ICellRendererParams<AsnSummary>) =>
          p.data ? (
            <span className="asn-cell">
              <span className="mono">{p.data.number}</span>
              {p.data.provisional ? <ProvisionalChip /> : null}
            </span>
          ) : null,
      },
      {
        field: 'status',
        headerName: t('dock.fields.status'),
        width: 110,
        cellRenderer: (p: ICellRendererParams<AsnSummary>) =>
          p.data ? <AsnStatusChip status={p.data.status} /> : null,
      },
      { field: 'supplierName', headerName: t('dock.fields.supplier'), flex: 1, minWidth: 150 },
      { field: 'orderNumber', headerName: t('dock.fields.order'), width: 140, cellClass: 'mono' },
      { field: 'warehouseName', headerName: t('dock.fields.warehouse'), width: 140 },
      { field: 'shipDate', headerName: t('dock.fields.shipDate'), width: 120 },
      { field: 'expectedDate', headerName: t('dock.fields.expectedDate'), width: 120 },
      {
        colId: 'units',
        headerName: t('dock.fields.units'),
        width: 100,
        type: 'rightAligned',
        valueGetter: (p) => (p.data ? `${p.data.unitsReceived}/${p.data.unitCount}` : ''),
      },
      {
        colId: 'qty',
        headerName: t('dock.fields.qtyReceived'),
        width: 140,
        type: 'rightAligned',
        valueGetter: (p) => (p.data ? `${formatQty(p.data.qtyReceived)}/${formatQty(p.data.qtyAnnounced)}` : ''),
      },
      { field: 'createdBy', headerName: t('dock.fields.createdBy'), width: 130 },
      {
        field: 'createdAt',
        headerName: t('dock.fields.createdAt'),
        width: 130,
        valueFormatter: (p) => (p.value ? formatWhen(String(p.value), lang) : ''),
      },
    ],
    [t, lang],
  );

  const onKey = useCallback((e: CellKeyDownEvent<AsnSummary>) => {
    const ev = e.event as KeyboardEvent | undefined;
    if (ev?.key === 'Enter' && e.data) setDetail(e.data.id);
  }, []);

  if (detail)
    return (
      <AsnDetailView
        key={detail}
        asnId={detail}
        user={user}
        onBack={() => {
          setDetail(null);
          setChanges((c) => c + 1);
        }}
      />
    );

  return (
    <div className="dock-asns">
      <div className="toolbar">
        <div className="search">
          <label htmlFor="asn-search" className="visually-hidden">
            {t('dock.asns.search')}
          </label>
          <input
            id="asn-search"
            type="search"
            placeholder={t('dock.asns.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <label htmlFor="asn-status" className="visually-hidden">
          {t('dock.fields.status')}
        </label>
        <select id="asn-status" value={status} onChange={(e) => setStatus(e.target.value as AsnStatus | '')}>
          <option value="">{t('dock.asns.allStatuses')}</option>
          {ASN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`dock.statuses.${s}`)}
            </option>
          ))}
        </select>
        <span className="count">{rows ? t('dock.asns.count', { count: rows.length }) : t('common.loading')}</span>
        {isSupplierDesk(user.roles) ? (
          <button type="button" className="btn btn-primary toolbar-end" onClick={() => setCreating(true)}>
            {t('dock.asns.new')}
          </button>
        ) : null}
      </div>
      <ErrorBanner error={error} />
      <div className="grid-wrap" role="region" aria-label={t('dock.asns.gridLabel')}>
        <AgGridReact<AsnSummary>
          key={lang}
          theme={gridTheme}
          rowData={rows}
          loading={rows === null}
          columnDefs={columns}
          getRowId={(p) => p.data.id}
          animateRows={false}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          localeText={{ ...(lang === 'zh-CN' ? GRID_LOCALE_ZH : {}), noRowsToShow: t('dock.asns.empty') }}
          onRowDoubleClicked={(e: RowDoubleClickedEvent<AsnSummary>) => e.data && setDetail(e.data.id)}
          onCellKeyDown={onKey}
        />
      </div>
      {creating ? (
        <AsnForm
          user={user}
          onCancel={() => setCreating(false)}
          onOpen={(id) => {
            setCreating(false);
            setDetail(id);
          }}
          onCreated={() => setChanges((c) => c + 1)}
        />
      ) : null}
    </div>
  );
}
