import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { initI18n } from './lib/i18n/index.ts';
import './styles.css';

initI18n();
createRoot(document.getElementById('root')!).render(<App />);
