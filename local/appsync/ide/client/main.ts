/** Entry of the IDE bundle: reads the page's configuration and renders the IDE. */
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import type { IdeConfig } from '../config.js';
import { App } from './app.js';
import { browser } from './browser.js';

const config = JSON.parse(browser.document.getElementById('ide-config')?.textContent ?? '{}') as IdeConfig;
const container = browser.document.getElementById('ide');
if (container) createRoot(container as never).render(createElement(App, { config }));
