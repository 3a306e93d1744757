import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectStores } from './store/connect';
import './theme.css';

connectStores();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
