import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { messagesEn as en, messagesZhCN as zhCN } from '../i18n/resources.ts';
import { detailParams, errorText, issueText } from '../i18n/messages.ts';

const i18n = i18next.createInstance();
await i18n.init({
  lng: 'en',
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  interpolation: { escapeValue: false },
  initAsync: false,
});

describe('error texts with details', () => {
  it('passes numbers grouped and strings as they are, nothing nested', () => {
    expect(detailParams({ requested: 1200, lot: 'L1', fields: [], ok: true })).toEqual({
      requested: '1,200',
      lot: 'L1',
    });
  });

  it('names the quantities of a refused reservation', () => {
    const t = i18n.getFixedT('en');
    const text = errorText(t, {
      code: 'inventory.stock-frozen',
      details: { lot: 'L-7', frozen: 40, available: 10, requested: 1500 },
    });
    expect(text).toBe('Lot L-7 cannot be reserved: 40 are frozen, 10 available, 1,500 requested.');
    const zh = errorText(i18n.getFixedT('zh-CN'), {
      code: 'inventory.insufficient-stock',
      details: { requested: 30, available: 12, frozen: 5 },
    });
    expect(zh).toContain('30');
    expect(zh).toContain('12');
    expect(zh).toContain('5');
  });

  it('falls back to a brief text when the details are missing', () => {
    const t = i18n.getFixedT('en');
    const text = errorText(t, { code: 'inventory.insufficient-stock' });
    expect(text).not.toContain('{{');
    expect(text.length).toBeGreaterThan(10);
  });

  it('translates every inventory error code in both languages', () => {
    const codes = [
      'insufficient-stock',
      'stock-frozen',
      'negative-stock',
      'nothing-matched',
      'lot-required',
      'expiry-required',
      'over-release',
      'over-receipt',
      'transfer-not-found',
      'transfer-closed',
      'same-warehouse',
      'same-owner',
      'proposal-not-found',
      'proposal-closed',
      'unknown-reference',
    ];
    for (const lang of ['en', 'zh-CN']) {
      const t = i18n.getFixedT(lang);
      const unexpected = t('errors.system.unexpected');
      for (const code of codes) {
        const text = errorText(t, { code: `inventory.${code}` as 'inventory.insufficient-stock' });
        expect(text, `${lang} ${code}`).not.toBe(unexpected);
        expect(text, `${lang} ${code}`).not.toContain('{{');
      }
    }
  });

  it('translates the new validation codes', () => {
    const t = i18n.getFixedT('zh-CN');
    for (const code of [
      'lot-format',
      'date-format',
      'not-zero',
      'lot-or-expiry-required',
      'date-range',
      'max-below-min',
      'safety-above-min',
    ])
      expect(issueText(t, { path: 'x', code })).not.toBe(t('validation.invalid'));
  });
});
