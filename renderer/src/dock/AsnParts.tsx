import { useTranslation } from 'react-i18next';
import type { AsnStatus } from '../../../core/dock/schemas.ts';

const TONE: Record<AsnStatus, string> = {
  open: 'tone-info',
  arrived: 'tone-progress',
  receiving: 'tone-progress',
  received: 'tone-good',
  closed: 'tone-muted',
  cancelled: 'tone-bad',
};

/** An ASN status as a coloured chip, in the clerk's language. */
export function AsnStatusChip({ status }: { status: AsnStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`chip ${TONE[status]}`} data-status={status}>
      {t(`dock.statuses.${status}`)}
    </span>
  );
}

/** Created on this desktop and not yet confirmed by the server. */
export function ProvisionalChip() {
  const { t } = useTranslation();
  return (
    <span className="chip chip-warn" title={t('dock.provisionalHint')} data-testid="asn-provisional">
      {t('dock.provisional')}
    </span>
  );
}
