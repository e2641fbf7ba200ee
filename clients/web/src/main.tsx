/** Loads the served outputs, configures the SDK and renders the page. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createChat } from '../../sdk/index.js';
import { App } from './App.js';
import { loadOutputs } from './outputs.js';
import { describeError } from './session.js';
import './styles.css';

async function start(container: HTMLElement): Promise<void> {
  const root = createRoot(container);
  try {
    const outputs = await loadOutputs();
    const chat = await createChat(outputs);
    root.render(
      <StrictMode>
        <App chat={chat} outputs={outputs} />
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <main className="auth">
        <h1>wavechat</h1>
        <p role="alert" className="error">
          The page cannot start: {describeError(error)}
        </p>
      </main>,
    );
  }
}

const container = document.getElementById('root');
if (container !== null) void start(container);
