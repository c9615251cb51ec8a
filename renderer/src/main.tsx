import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './api/client.ts';
import './i18n/index.ts';
import { App } from './app/App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
