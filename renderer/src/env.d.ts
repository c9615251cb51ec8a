import type { Api } from '../../core/api/contract.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload script; absent in the web shell (HTTP transport instead). */
    oms?: Api;
  }
}

export {};
