import { useTranslation } from 'react-i18next';
import { useUi, type CentreView } from '../state/ui.ts';

/** An honest placeholder for a centre that is not built yet: no fake screens. */
export function ComingSoon({ view }: { view: CentreView }) {
  const { t } = useTranslation();
  const setView = useUi((s) => s.setView);
  const centre = t(`nav.${view}`);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <div className="screen-head">
        <div className="screen-title">
          <h1 id="screen-title">{centre}</h1>
        </div>
      </div>
      <div className="coming-soon" role="status">
        <span className="badge">{t('comingSoon.badge')}</span>
        <h2>{t('comingSoon.title')}</h2>
        <p>{t('comingSoon.body', { centre })}</p>
        <p className="muted">{t(`comingSoon.about.${view}`)}</p>
        <p className="muted">{t('comingSoon.available')}</p>
        <button type="button" className="btn" onClick={() => setView('items')}>
          {t('comingSoon.openMasterData')}
        </button>
      </div>
    </section>
  );
}
