import { useTranslation } from 'react-i18next';
import type { CheckCode } from '../../../core/orders/schemas.ts';
import { failureFigures, statusTone, type Failure, type Names } from './format.ts';

/** An order status as a coloured chip, in the clerk's language. */
export function StatusChip({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`chip ${statusTone(status)}`} data-status={status}>
      {t(`orders.statuses.${status}`, { defaultValue: t('orders.statuses.unknown') })}
    </span>
  );
}

/** Why an order is held: one chip per failed check. */
export function HoldChips({ checks }: { checks: readonly CheckCode[] }) {
  const { t } = useTranslation();
  if (checks.length === 0) return null;
  return (
    <span className="chips">
      {checks.map((c) => (
        <span key={c} className="chip chip-hold" title={t('orders.holdReason', { check: t(`orders.checks.${c}`) })}>
          {t(`orders.checks.${c}`)}
        </span>
      ))}
    </span>
  );
}

/** Done share of the due quantity, as a bar with its figure. */
export function Progress({ percent, label }: { percent: number; label?: string }) {
  const { t } = useTranslation();
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <span
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={p}
      aria-label={label ?? t('orders.columns.progress')}
    >
      <span className="progress-track">
        <span className={p >= 100 ? 'progress-fill done' : 'progress-fill'} style={{ width: `${p}%` }} />
      </span>
      <span className="progress-text">{p}%</span>
    </span>
  );
}

/**
 * The failed checks of an order with their figures: credit (limit, exposure, over by…), stock
 * (line, item, requested, available), quota (allowance, used, requested, remaining).
 */
export function FailureList({ failures, names }: { failures: readonly Failure[]; names: Names }) {
  const { t } = useTranslation();
  if (failures.length === 0) return null;
  return (
    <ul className="failures">
      {failures.map((f, i) => (
        <li key={i} className={`failure failure-${f.check}`}>
          <span className="failure-title">{t(`orders.checkFailed.${f.check}`)}</span>
          <dl className="figures">
            {failureFigures(t, f, names).map((fig) => (
              <div key={fig.label} className={fig.strong ? 'figure strong' : 'figure'}>
                <dt>
                  {fig.label}
                  {t('common.colon')}
                </dt>
                <dd>{fig.value}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  );
}
