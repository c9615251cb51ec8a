import { useEffect } from 'react';
import { useUi } from '../state/ui.ts';

export function ToastHost() {
  const toast = useUi((s) => s.toast);
  const dismiss = useUi((s) => s.dismissToast);
  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => dismiss(toast.id), 3000);
    return () => window.clearTimeout(timer);
  }, [toast, dismiss]);
  return (
    <div className="toast-host" role="status" aria-live="polite">
      {toast ? (
        <div className="toast" key={toast.id}>
          {toast.text}
        </div>
      ) : null}
    </div>
  );
}
