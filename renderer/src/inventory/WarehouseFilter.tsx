import { useTranslation } from 'react-i18next';
import type { Catalog } from './catalog.ts';

/** The "Warehouse: all / one" filter of the inventory tabs. '' means every warehouse. */
export function WarehouseFilter({
  id,
  catalog,
  value,
  onChange,
}: {
  id: string;
  catalog: Catalog;
  value: string;
  onChange: (warehouseId: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="inv-select">
      <label htmlFor={id}>{t('inventory.columns.warehouse')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('inventory.allWarehouses')}</option>
        {catalog.warehouses.map((w) => (
          <option key={w.id} value={w.id}>
            {w.code} · {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}
