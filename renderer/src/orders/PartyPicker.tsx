import type { InputHTMLAttributes, Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { oms } from '../api/client.ts';
import { Combobox } from './Combobox.tsx';
import type { Picked } from './entry.ts';

interface PartyOption {
  id: string;
  code: string;
  name: string;
  grade?: string;
  creditLimitMinor?: number;
  currency?: string;
}

export const partyLabel = (p: { code: string; name: string }): string => `${p.code} · ${p.name}`;

/** Customer or supplier by code or name (prefix of the code, part of the name). */
export function PartyPicker({
  id,
  kind,
  text,
  picked,
  onText,
  onPick,
  onAdvance,
  inputRef,
  inputProps,
}: {
  id: string;
  kind: 'customers' | 'suppliers';
  text: string;
  picked: Picked | null;
  onText: (text: string) => void;
  onPick: (picked: Picked) => void;
  onAdvance?: () => void;
  inputRef?: Ref<HTMLInputElement>;
  inputProps?: InputHTMLAttributes<HTMLInputElement> & Record<`data-${string}`, string>;
}) {
  const { t } = useTranslation();
  const search = async (q: string): Promise<PartyOption[] | null> => {
    const r =
      kind === 'customers'
        ? await oms['customers.list']({ search: q, limit: 12 })
        : await oms['suppliers.list']({ search: q, limit: 12 });
    return r.ok ? r.data.rows : null;
  };
  return (
    <Combobox<PartyOption>
      id={id}
      text={text}
      onText={onText}
      picked={picked !== null && picked.label === text}
      search={search}
      optionKey={(o) => o.id}
      exact={(o, q) => o.code.toLowerCase() === q.toLowerCase()}
      renderOption={(o) => (
        <>
          <span className="mono">{o.code}</span> <span>{o.name}</span>
          {o.grade ? <span className="muted combo-meta">{t('orders.entry.grade', { grade: o.grade })}</span> : null}
        </>
      )}
      onPick={(o) => onPick({ id: o.id, label: partyLabel(o), ...(o.currency ? { currency: o.currency } : {}) })}
      {...(onAdvance ? { onAdvance } : {})}
      {...(inputRef ? { inputRef } : {})}
      {...(inputProps ? { inputProps } : {})}
      emptyText={t(kind === 'customers' ? 'orders.entry.noCustomer' : 'orders.entry.noSupplier')}
    />
  );
}
