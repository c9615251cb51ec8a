import { AgGridReact } from 'ag-grid-react';
import type {
  CellKeyDownEvent,
  ColDef,
  GridApi,
  ICellRendererParams,
  IDatasource,
  IGetRowsParams,
  ValueFormatterParams,
} from 'ag-grid-community';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import { TRANSITIONS } from '../../../core/orders/transitions.ts';
import { ORDER_STATUSES, type OrderStatus, type OrderType } from '../../../core/orders/schemas.ts';
import { oms } from '../api/client.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { formatQty } from '../inventory/format.ts';
import { normaliseDate } from '../inventory/freeze.ts';
import { KeysetBook, loadBlock, type PageFetch } from '../inventory/keyset.ts';
import { useDebounced } from '../inventory/useDebounced.ts';
import { WarehouseFilter } from '../inventory/WarehouseFilter.tsx';
import { GRID_LOCALE_ZH, gridTheme } from '../masterdata/grid.ts';
import { useUi } from '../state/ui.ts';
import { Dialog } from '../inventory/Dialog.tsx';
import { Dropdown } from './Dropdown.tsx';
import { formatMoney, isBackordered, orderErrorText, USES_CUSTOMER, type OrderSummary } from './format.ts';
import { HoldChips, Progress, StatusChip } from './parts.tsx';
import { PartyPicker } from './PartyPicker.tsx';
import { useOrdersUi } from './store.ts';
import {
  activeFilterCount,
  DEFAULT_SORT,
  deleteView,
  EMPTY_FILTERS,
  isSortKey,
  listArgs,
  loadViews,
  saveView,
  type ColumnState,
  type Filters,
  type SavedView,
  type Sort,
} from './views.ts';

const BLOCK = 100;
/** The cursor of the last row of the last page: nothing comes after it. */
const END = '__end__';

type Row = OrderSummary & { cursor: string };

const listTheme = gridTheme.withParams({ cellHorizontalPaddingScale: 0.75 });

/** The statuses a document type can be in (from its transition table). */
export function statusesOf(type: OrderType): OrderStatus[] {
  const seen = new Set<OrderStatus>(['draft']);
  for (const x of TRANSITIONS[type]) {
    seen.add(x.from);
    seen.add(x.to);
  }
  return ORDER_STATUSES.filter((s) => seen.has(s));
}

/** Columns that can be hidden (every column but the number). */
const HIDEABLE = [
  'status',
  'holds',
  'party',
  'warehouse',
  'channel',
  'externalRef',
  'orderedAt',
  'requestedDate',
  'promisedDate',
  'lines',
  'progress',
  'totalMinor',
  'backordered',
] as const;

/**
 * A date typed as the clerk likes it (2026-11-05, 20261105, 2026/11/5, 2026年11月5日), applied
 * on Enter or when leaving the field; an unreadable date is marked and not applied.
 */
function DateInput({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    const v = normaliseDate(text);
    if (v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v)) {
      setText(v);
      if (v !== value) onChange(v);
    }
  };
  const bad = text.trim() !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(normaliseDate(text));
  return (
    <input
      id={id}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      className="date-input"
      placeholder={t('orders.entry.datePlaceholder')}
      aria-invalid={bad ? true : undefined}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.nativeEvent.isComposing) commit();
      }}
    />
  );
}

const newViewId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `v${Date.now()}`;

/**
 * The order list of one document type: ag-grid's infinite row model over `orders.list` keyset
 * pages, sorted and filtered on the server; saved views per desktop; Enter or a double click
 * opens the document.
 */
export function OrderList({
  type,
  catalog,
  onNew,
  hidden,
}: {
  type: OrderType;
  catalog: Catalog;
  onNew: (() => void) | null;
  /** The list stays mounted (its filters and scroll kept) while a document is open. */
  hidden: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const open = useOrdersUi((s) => s.open);
  const changes = useOrdersUi((s) => s.changes);
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [customerText, setCustomerText] = useState('');
  const debouncedSearch = useDebounced(filters.search.trim(), 300);
  // Enter in the search box applies the search at once (and then moves to its first row).
  const [appliedSearch, setAppliedSearch] = useState('');
  const focusFirst = useRef(false);
  useEffect(() => setAppliedSearch(debouncedSearch), [debouncedSearch]);
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);
  const [views, setViews] = useState<SavedView[]>(() => loadViews(type));
  const [viewId, setViewId] = useState('');
  const [naming, setNaming] = useState(false);
  const [viewName, setViewName] = useState('');
  const [hiddenCols, setHiddenCols] = useState<ReadonlySet<string>>(new Set());
  const [rowsShown, setRowsShown] = useState<number | null>(null);
  const apiRef = useRef<GridApi<Row> | null>(null);
  const generation = useRef(0);
  const sortRef = useRef<Sort>(DEFAULT_SORT);

  const statuses = useMemo(() => statusesOf(type), [type]);
  const queryFilters = useMemo(() => ({ ...filters, search: appliedSearch }), [filters, appliedSearch]);

  // Status counts for the filter (the whole type, whatever else is filtered).
  useEffect(() => {
    let alive = true;
    void oms['orders.statusCounts']({ type }).then((r) => {
      if (alive && r.ok) setCounts(r.data);
    });
    return () => {
      alive = false;
    };
  }, [type, changes]);

  // A new datasource per filter set (or after a change): ag-grid drops its cache and reads block 0.
  const datasource = useMemo<IDatasource>(() => {
    const gen = ++generation.current;
    const books = new Map<string, KeysetBook>();
    const args = listArgs(queryFilters);
    const current = () => gen === generation.current;
    return {
      rowCount: undefined,
      getRows: (params: IGetRowsParams<Row>) => {
        const model = params.sortModel[0];
        const sort: Sort =
          model && isSortKey(model.colId)
            ? { key: model.colId, dir: model.sort === 'asc' ? 'asc' : 'desc' }
            : DEFAULT_SORT;
        sortRef.current = sort;
        const bookKey = `${sort.key}:${sort.dir}`;
        let book = books.get(bookKey);
        if (!book) {
          book = new KeysetBook();
          books.set(bookKey, book);
        }
        const fetchPage: PageFetch<Row> = async (after, limit) => {
          if (after === END) return [];
          const result = await oms['orders.list']({ type, sort: sort.key, dir: sort.dir, ...args, after, limit });
          if (!current()) return null;
          if (!result.ok) {
            setLoadError(result.error);
            return null;
          }
          setLoadError(null);
          const rows = result.data.rows;
          const next = result.data.next;
          return rows.map((r, i) => ({ ...r, cursor: i === rows.length - 1 ? (next ?? END) : '' }));
        };
        void loadBlock(book, params.startRow, params.endRow - params.startRow, fetchPage, (r) => r.cursor).then(
          (block) => {
            if (!block) params.failCallback();
            else {
              params.successCallback(block.rows, block.lastRow);
              if (current()) setRowsShown(block.lastRow ?? null);
              if (current() && params.startRow === 0 && focusFirst.current) {
                focusFirst.current = false;
                if (block.rows.length > 0) requestAnimationFrame(focusFirstRow);
              }
            }
          },
        );
      },
    };
  }, [type, queryFilters, changes]);

  const columnDefs = useMemo<ColDef<Row>[]>(() => {
    const dateCol = (field: 'orderedAt' | 'requestedDate' | 'promisedDate', width = 112): ColDef<Row> => ({
      colId: field,
      field,
      headerName: t(`orders.columns.${field}`),
      width,
      sortable: true,
      cellClass: 'tabular',
      valueFormatter: (p: ValueFormatterParams<Row>) => (typeof p.value === 'string' ? p.value : ''),
    });
    const partyHeader = USES_CUSTOMER.has(type) ? 'customer' : 'supplier';
    const cols: ColDef<Row>[] = [
      {
        colId: 'number',
        field: 'number',
        headerName: t('orders.columns.number'),
        width: 176,
        sortable: true,
        cellClass: 'mono',
        pinned: 'left',
      },
      {
        colId: 'status',
        field: 'status',
        headerName: t('orders.columns.status'),
        width: 134,
        sortable: true,
        cellRenderer: (p: ICellRendererParams<Row>) => (p.data ? <StatusChip status={p.data.status} /> : null),
      },
      {
        colId: 'holds',
        headerName: t('orders.columns.holds'),
        width: 132,
        hide: type !== 'sales',
        cellRenderer: (p: ICellRendererParams<Row>) => (p.data ? <HoldChips checks={p.data.holdChecks} /> : null),
      },
      {
        colId: 'party',
        headerName: t(`orders.columns.${partyHeader}`),
        width: 200,
        hide: type === 'transfer',
        valueGetter: (p) => {
          const party = p.data ? (p.data.customer ?? p.data.supplier) : null;
          return party ? `${party.code} · ${party.name}` : '';
        },
        tooltipValueGetter: (p) => (typeof p.value === 'string' && p.value ? p.value : undefined),
      },
      {
        colId: 'warehouse',
        headerName: t(type === 'transfer' ? 'orders.columns.route' : 'orders.columns.warehouse'),
        width: type === 'transfer' ? 190 : 112,
        cellClass: 'mono',
        valueGetter: (p) => {
          if (!p.data) return '';
          const from = p.data.warehouse?.code ?? '';
          return type === 'transfer' ? `${from} → ${p.data.toWarehouse?.code ?? ''}` : from || t('orders.byRules');
        },
        tooltipValueGetter: (p) => p.data?.warehouse?.name ?? undefined,
      },
      {
        colId: 'channel',
        headerName: t('orders.columns.channel'),
        width: 120,
        hide: type !== 'sales',
        valueGetter: (p) => p.data?.channel?.name ?? '',
      },
      {
        colId: 'externalRef',
        field: 'externalRef',
        headerName: t('orders.columns.externalRef'),
        width: 140,
        sortable: true,
        cellClass: 'mono',
        valueFormatter: (p: ValueFormatterParams<Row>) => (typeof p.value === 'string' ? p.value : ''),
      },
      dateCol('orderedAt'),
      dateCol('requestedDate'),
      dateCol('promisedDate'),
      {
        colId: 'lines',
        field: 'lineCount',
        headerName: t('orders.columns.lines'),
        width: 72,
        type: 'rightAligned',
        cellClass: 'tabular',
      },
      {
        colId: 'progress',
        field: 'progress',
        headerName: t('orders.columns.progress'),
        width: 138,
        sortable: true,
        cellRenderer: (p: ICellRendererParams<Row>) =>
          p.data ? (
            <span
              title={t('orders.progressOf', { done: formatQty(p.data.qtyDone), due: formatQty(p.data.qtyOrdered) })}
            >
              <Progress percent={p.data.progress} />
            </span>
          ) : null,
      },
      {
        colId: 'totalMinor',
        field: 'totalMinor',
        headerName: t('orders.columns.total'),
        width: 132,
        sortable: true,
        type: 'rightAligned',
        cellClass: 'ag-right-aligned-cell tabular',
        cellDataType: false,
        valueFormatter: (p: ValueFormatterParams<Row>) =>
          p.data && typeof p.value === 'number' ? formatMoney(p.value, p.data.currency) : '',
      },
      {
        colId: 'backordered',
        field: 'backordered',
        headerName: t('orders.columns.backordered'),
        width: 96,
        hide: type === 'purchase' || type === 'sales-return',
        cellDataType: false,
        cellRenderer: (p: ICellRendererParams<Row>) =>
          p.data && isBackordered(p.data) ? <span className="chip chip-warn">{t('orders.backorder')}</span> : null,
      },
    ];
    return cols.map((c) => (c.colId && hiddenCols.has(c.colId) ? { ...c, hide: true } : c));
    // hiddenCols only seeds the defs; later toggles go through the grid api.
  }, [t, type]);

  const defaultColDef = useMemo<ColDef<Row>>(
    () => ({ sortable: false, filter: false, resizable: true, suppressHeaderMenuButton: true, minWidth: 60 }),
    [],
  );

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setViewId('');
  };

  const clearFilters = () => {
    setFilters(EMPTY_FILTERS);
    setCustomerText('');
    setViewId('');
  };

  const applyView = (id: string) => {
    setViewId(id);
    const v = views.find((x) => x.id === id);
    if (!v) return;
    setFilters(v.filters);
    setCustomerText(v.filters.customerLabel);
    const api = apiRef.current;
    if (api) {
      if (v.columns.length > 0) api.applyColumnState({ state: v.columns, applyOrder: true });
      api.applyColumnState({ state: [{ colId: v.sort.key, sort: v.sort.dir }], defaultState: { sort: null } });
      setHiddenCols(
        new Set(
          api
            .getColumnState()
            .filter((c) => c.hide)
            .map((c) => c.colId),
        ),
      );
    }
  };

  const storeView = () => {
    const name = viewName.trim();
    if (!name) return;
    const api = apiRef.current;
    const columns = (api?.getColumnState() ?? []) as unknown as ColumnState;
    const { views: next, saved } = saveView(type, { name, filters, sort: sortRef.current, columns }, newViewId);
    setViews(next);
    setViewId(saved.id);
    setNaming(false);
    showToast(t('orders.views.saved', { name: saved.name }));
  };

  const removeView = () => {
    const v = views.find((x) => x.id === viewId);
    if (!v) return;
    setViews(deleteView(type, v.id));
    setViewId('');
    showToast(t('orders.views.deleted', { name: v.name }));
  };

  const toggleColumn = (colId: string, visible: boolean) => {
    apiRef.current?.setColumnsVisible([colId], visible);
    setHiddenCols((prev) => {
      const next = new Set(prev);
      if (visible) next.delete(colId);
      else next.add(colId);
      return next;
    });
  };

  function focusFirstRow() {
    const api = apiRef.current;
    const firstCol = api?.getAllDisplayedColumns()[0];
    if (!api || !firstCol) return;
    if (!api.getDisplayedRowAtIndex(0)?.data) {
      // Still loading: the first block focuses its first row when it arrives.
      focusFirst.current = true;
      return;
    }
    api.ensureIndexVisible(0);
    api.setFocusedCell(0, firstCol);
  }

  const onSearchKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'ArrowDown' && (event.key !== 'Enter' || event.nativeEvent.isComposing)) return;
    event.preventDefault();
    const typed = filters.search.trim();
    if (typed !== appliedSearch) {
      // Not read yet: read now, and go to the first row once it is there.
      focusFirst.current = true;
      setAppliedSearch(typed);
    } else focusFirstRow();
  };

  const totalOfStatuses =
    counts === null
      ? null
      : (filters.statuses.length > 0 ? filters.statuses : statuses).reduce((s, x) => s + (counts[x] ?? 0), 0);
  const onlyStatusFilter = activeFilterCount({ ...filters, statuses: [] }) === 0;
  const shownCount = onlyStatusFilter ? totalOfStatuses : rowsShown;
  const statusButton =
    filters.statuses.length === 0
      ? t('orders.filters.allStatuses')
      : filters.statuses.length === 1
        ? t(`orders.statuses.${filters.statuses[0] ?? ''}`)
        : t('orders.filters.nStatuses', { count: filters.statuses.length });
  const nFilters = activeFilterCount(filters);
  const hideable = HIDEABLE.filter(
    (c) =>
      !(c === 'holds' && type !== 'sales') &&
      !(c === 'channel' && type !== 'sales') &&
      !(c === 'party' && type === 'transfer'),
  );

  return (
    <div className="inv-tab ord-list" hidden={hidden}>
      <div className="inv-toolbar" role="group" aria-label={t('orders.filters.label')}>
        <div className="search">
          <label htmlFor={`ord-search-${type}`} className="visually-hidden">
            {t('common.quickSearch')}
          </label>
          <input
            id={`ord-search-${type}`}
            type="search"
            value={filters.search}
            placeholder={t(USES_CUSTOMER.has(type) ? 'orders.filters.search' : 'orders.filters.searchNumber')}
            autoComplete="off"
            onChange={(e) => set('search', e.target.value)}
            onKeyDown={onSearchKey}
          />
        </div>
        <Dropdown label={t('orders.filters.status')} buttonText={statusButton} className="status-filter">
          <label className="inv-check">
            <input type="checkbox" checked={filters.statuses.length === 0} onChange={() => set('statuses', [])} />
            {t('orders.filters.allStatuses')}
            <span className="muted count-badge">{totalOfStatuses ?? ''}</span>
          </label>
          {statuses.map((s) => (
            <label key={s} className="inv-check">
              <input
                type="checkbox"
                checked={filters.statuses.includes(s)}
                onChange={(e) =>
                  set('statuses', e.target.checked ? [...filters.statuses, s] : filters.statuses.filter((x) => x !== s))
                }
              />
              <StatusChip status={s} />
              <span className="muted count-badge">{formatQty(counts?.[s] ?? 0)}</span>
            </label>
          ))}
        </Dropdown>
        <div className="inv-select date-range">
          <label htmlFor={`ord-from-${type}`}>{t('orders.filters.orderedFrom')}</label>
          <DateInput id={`ord-from-${type}`} value={filters.dateFrom} onChange={(v) => set('dateFrom', v)} />
          <label htmlFor={`ord-to-${type}`}>{t('orders.filters.to')}</label>
          <DateInput id={`ord-to-${type}`} value={filters.dateTo} onChange={(v) => set('dateTo', v)} />
        </div>
        {USES_CUSTOMER.has(type) ? (
          <div className="inv-select party-filter">
            <label htmlFor={`ord-customer-${type}`}>{t('orders.columns.customer')}</label>
            <PartyPicker
              id={`ord-customer-${type}`}
              kind="customers"
              text={customerText}
              picked={filters.customerId ? { id: filters.customerId, label: filters.customerLabel } : null}
              onText={(text) => {
                setCustomerText(text);
                if (!text.trim() && filters.customerId) {
                  setFilters((f) => ({ ...f, customerId: '', customerLabel: '' }));
                  setViewId('');
                }
              }}
              onPick={(p) => {
                setCustomerText(p.label);
                setFilters((f) => ({ ...f, customerId: p.id, customerLabel: p.label }));
                setViewId('');
              }}
              inputProps={{ placeholder: t('orders.filters.anyCustomer') }}
            />
          </div>
        ) : null}
        <WarehouseFilter
          id={`ord-warehouse-${type}`}
          catalog={catalog}
          value={filters.warehouseId}
          onChange={(v) => set('warehouseId', v)}
        />
      </div>
      <div className="inv-toolbar inv-subbar">
        {type === 'sales' ? (
          <label className="inv-check">
            <input type="checkbox" checked={filters.held} onChange={(e) => set('held', e.target.checked)} />
            {t('orders.filters.held')}
          </label>
        ) : null}
        {type !== 'purchase' && type !== 'sales-return' ? (
          <label className="inv-check">
            <input
              type="checkbox"
              checked={filters.backordered}
              onChange={(e) => set('backordered', e.target.checked)}
            />
            {t('orders.filters.backordered')}
          </label>
        ) : null}
        {nFilters > 0 ? (
          <button type="button" className="btn btn-small btn-link" onClick={clearFilters}>
            {t('orders.filters.clear', { count: nFilters })}
          </button>
        ) : null}
        <span className="toolbar-sep" aria-hidden="true" />
        <div className="inv-select">
          <label htmlFor={`ord-view-${type}`}>{t('orders.views.label')}</label>
          <select id={`ord-view-${type}`} value={viewId} onChange={(e) => applyView(e.target.value)}>
            <option value="">{views.length === 0 ? t('orders.views.none') : t('orders.views.choose')}</option>
            {views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            setViewName(views.find((v) => v.id === viewId)?.name ?? '');
            setNaming(true);
          }}
        >
          {t('orders.views.save')}
        </button>
        <button type="button" className="btn btn-small" disabled={!viewId} onClick={removeView}>
          {t('orders.views.delete')}
        </button>
        <Dropdown label={t('orders.columnsMenu')} buttonText={t('orders.columnsMenu')}>
          {hideable.map((c) => (
            <label key={c} className="inv-check">
              <input type="checkbox" checked={!hiddenCols.has(c)} onChange={(e) => toggleColumn(c, e.target.checked)} />
              {t(
                c === 'party'
                  ? `orders.columns.${USES_CUSTOMER.has(type) ? 'customer' : 'supplier'}`
                  : c === 'warehouse' && type === 'transfer'
                    ? 'orders.columns.route'
                    : c === 'totalMinor'
                      ? 'orders.columns.total'
                      : `orders.columns.${c}`,
              )}
            </label>
          ))}
        </Dropdown>
        <span className="inv-spacer" />
        <span className="count" aria-live="polite">
          {shownCount === null ? '' : t('orders.count', { count: shownCount, formatted: formatQty(shownCount) })}
        </span>
        <button type="button" className="btn" onClick={() => useOrdersUi.getState().changed()}>
          {t('common.refresh')}
        </button>
        {onNew ? (
          <button type="button" className="btn btn-primary" onClick={onNew} aria-keyshortcuts="Alt+N" title="Alt+N">
            {t('orders.entry.new')}
            <kbd aria-hidden="true">Alt+N</kbd>
          </button>
        ) : null}
      </div>
      {loadError ? (
        <div className="banner banner-error" role="alert">
          <p>{orderErrorText(t, loadError)}</p>
        </div>
      ) : null}
      <div className="grid-wrap" role="region" aria-label={t(`orders.listLabel.${type}`)}>
        <AgGridReact<Row>
          key={lang}
          theme={listTheme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={BLOCK}
          maxConcurrentDatasourceRequests={1}
          maxBlocksInCache={100}
          infiniteInitialRowCount={1}
          columnDefs={columnDefs}
          defaultColDef={defaultColDef}
          getRowId={(p) => p.data.id}
          animateRows={false}
          tooltipShowDelay={600}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: 'enableSelection' }}
          localeText={lang === 'zh-CN' ? GRID_LOCALE_ZH : undefined}
          onGridReady={(e) => {
            apiRef.current = e.api;
            e.api.applyColumnState({ state: [{ colId: DEFAULT_SORT.key, sort: DEFAULT_SORT.dir }] });
          }}
          onRowDoubleClicked={(e) => {
            if (e.data) open(e.data.id);
          }}
          onCellKeyDown={(e: CellKeyDownEvent<Row>) => {
            const ev = e.event;
            if (ev instanceof KeyboardEvent && ev.key === 'Enter' && !ev.isComposing && e.data) {
              ev.preventDefault();
              open(e.data.id);
            }
          }}
        />
      </div>
      {naming ? (
        <Dialog
          title={t('orders.views.saveTitle')}
          onCancel={() => setNaming(false)}
          onSubmit={storeView}
          footer={
            <>
              <span className="muted">{t('orders.views.saveHint')}</span>
              <div className="actions">
                <button type="button" className="btn" onClick={() => setNaming(false)}>
                  {t('common.cancel')}
                </button>
                <button type="submit" className="btn btn-primary" disabled={!viewName.trim()}>
                  {t('orders.views.saveConfirm')}
                </button>
              </div>
            </>
          }
        >
          <div className="form-body">
            <div className="field">
              <div className="label-row">
                <label htmlFor="ord-view-name">{t('orders.views.name')}</label>
              </div>
              <input
                id="ord-view-name"
                type="text"
                maxLength={60}
                value={viewName}
                onChange={(e) => setViewName(e.target.value)}
              />
              <p className="field-hint">{t('orders.views.whatIsSaved')}</p>
            </div>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
