import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import { errorText } from '../i18n/messages.ts';

/** A refused action or a failed load, in the clerk's language, where the screen shows it. */
export function ErrorBanner({ error }: { error: AppErrorData | null | undefined }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <p>{errorText(t, error)}</p>
    </div>
  );
}
