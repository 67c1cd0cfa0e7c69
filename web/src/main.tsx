import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { setupI18n } from './i18n/index.ts';
import { PreferencesProvider } from './preferences.tsx';
import { SessionProvider } from './session.tsx';

// Before the first render, so the page never flashes in the wrong language or direction.
setupI18n();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <PreferencesProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </PreferencesProvider>
  </StrictMode>,
);
