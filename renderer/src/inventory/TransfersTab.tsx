import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, GridApi, RowDoubleClickedEvent } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { transferSummary } from '../../../core/api/inventory.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { GRID_LOCALE_ZH, gridTheme } from '../masterdata/grid.ts';
import type { Catalog } from './catalog.ts';
import { formatQty } from './format.ts';
import { ReceiveDialog } from './ReceiveDialog.tsx';
import { TransferForm } from './TransferForm.tsx';

export type TransferSummary = z.output<typeof transferSummary>;

const isOpen = (t: TransferSummary | null): t is TransferSummary => !!t && t.status !== 'received';

/** Transfers between warehouses: the list, a new transfer (ships at once), and receiving. */
export function TransfersTab({ catalog }: { catalog: Catalog }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<TransferSummary[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [selected, setSelected] = useState<TransferSummary | null>(null);
  const [creating, setCreating] = useState(false);
  const [receiving, setReceiving] = useState<TransferSummary | null>(null);
  const apiRef = useRef<GridApi<TransferSummary> | null>(null);
  const pendingSelect = useRef<string | null>(null);

  const load = useCallback(async () => {
    const result = await oms['inventory.transfers']({ limit: 500 });
    if (result.ok) {
      setRows(result.data.rows);
      setError(null);
    } else {
      setRows((prev) => prev ?? []);
      setError(result.error);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // Alt+N: a new transfer, as on the master-data screens.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (creating || receiving) return;
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyN') {
        event.preventDefault();
        setCreating(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [creating, receiving]);

  const columnDefs = useMemo<ColDef<TransferSummary>[]>(
    () => [
      { colId: 'number', field: 'number', headerName: t('inventory.transfers.number'), width: 140, cellClass: 'mono' },
      {
        colId: 'status',
        field: 'status',
        headerName: t('inventory.transfers.status'),
        width: 130,
        valueFormatter: (p) => (typeof p.value === 'string' ? t(`inventory.transferStatus.${p.value}`) : ''),
        cellClass: (p) => `status-${String(p.value)}`,
      },
      {
        colId: 'from',
        field: 'fromCode',
        headerName: t('inventory.transfers.fromShort'),
        width: 104,
        cellClass: 'mono',
      },
      { colId: 'to', field: 'toCode', headerName: t('inventory.transfers.toShort'), width: 104, cellClass: 'mono' },
      {
        colId: 'shippedAt',
        field: 'shippedAt',
        headerName: t('inventory.transfers.shippedAt'),
        width: 144,
        valueFormatter: (p) => (typeof p.value === 'string' ? formatDateTime(p.value, lang) : ''),
      },
      {
        colId: 'receivedAt',
        field: 'receivedAt',
        headerName: t('inventory.transfers.receivedAt'),
        width: 144,
        valueFormatter: (p) => (typeof p.value === 'string' ? formatDateTime(p.value, lang) : ''),
      },
      {
        colId: 'lineCount',
        field: 'lineCount',
        headerName: t('inventory.transfers.lines'),
        type: 'rightAligned',
        width: 76,
      },
      {
        colId: 'qtyShipped',
        field: 'qtyShipped',
        headerName: t('inventory.transfers.qtyShipped'),
        type: 'rightAligned',
        width: 116,
        valueFormatter: (p) => formatQty(typeof p.value === 'number' ? p.value : null),
      },
      {
        colId: 'qtyReceived',
        field: 'qtyReceived',
        headerName: t('inventory.transfers.qtyReceived'),
        type: 'rightAligned',
        width: 116,
        valueFormatter: (p) => formatQty(typeof p.value === 'number' ? p.value : null),
      },
      { colId: 'note', field: 'note', headerName: t('inventory.transfers.note'), flex: 1, minWidth: 140 },
    ],
    [t, lang],
  );

  const defaultColDef = useMemo<ColDef<TransferSummary>>(
    () => ({ sortable: true, filter: false, resizable: true, minWidth: 70, cellDataType: false }),
    [],
  );

  const onRowDataUpdated = () => {
    const api = apiRef.current;
    const id = pendingSelect.current;
    if (!api || !id) return;
    const node = api.getRowNode(id);
    if (!node) return;
    pendingSelect.current = null;
    node.setSelected(true, true);
    api.ensureNodeVisible(node, 'middle');
  };

  return (
    <div className="inv-tab">
      <div className="inv-toolbar">
        <span className="count">
          {rows === null ? t('common.loading') : t('inventory.transfers.count', { count: rows.length })}
        </span>
        <span className="inv-spacer" />
        <button type="button" className="btn" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!isOpen(selected)}
          onClick={() => (isOpen(selected) ? setReceiving(selected) : undefined)}
        >
          {t('inventory.transfers.receive')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => setCreating(true)}
          aria-keyshortcuts="Alt+N"
          title="Alt+N"
        >
          {t('inventory.transfers.new')}
          <kbd aria-hidden="true">Alt+N</kbd>
        </button>
      </div>
      {error ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, error)}</p>
        </div>
      ) : null}
      <div className="grid-wrap" role="region" aria-label={t('inventory.transfers.gridLabel')}>
        <AgGridReact<TransferSummary>
          key={lang}
          theme={gridTheme}
          rowData={rows}
          loading={rows === null}
          columnDefs={columnDefs}
          defaultColDef={defaultColDef}
          getRowId={(p) => p.data.id}
          animateRows={false}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          localeText={{ ...(lang === 'zh-CN' ? GRID_LOCALE_ZH : {}), noRowsToShow: t('inventory.transfers.empty') }}
          onGridReady={(e) => {
            apiRef.current = e.api;
          }}
          onRowDataUpdated={onRowDataUpdated}
          onSelectionChanged={(e) => setSelected(e.api.getSelectedRows()[0] ?? null)}
          onRowDoubleClicked={(e: RowDoubleClickedEvent<TransferSummary>) => {
            if (isOpen(e.data ?? null) && e.data) setReceiving(e.data);
          }}
          onCellKeyDown={(e: CellKeyDownEvent<TransferSummary>) => {
            const ev = e.event;
            if (ev instanceof KeyboardEvent && ev.key === 'Enter' && !ev.isComposing && e.data && isOpen(e.data)) {
              ev.preventDefault();
              setReceiving(e.data);
            }
          }}
        />
      </div>
      {creating ? (
        <TransferForm
          catalog={catalog}
          onCancel={() => setCreating(false)}
          onShipped={(id) => {
            setCreating(false);
            pendingSelect.current = id;
            void load();
          }}
        />
      ) : null}
      {receiving ? (
        <ReceiveDialog
          transferId={receiving.id}
          onCancel={() => setReceiving(null)}
          onReceived={(id) => {
            setReceiving(null);
            pendingSelect.current = id;
            void load();
          }}
        />
      ) : null}
    </div>
  );
}
