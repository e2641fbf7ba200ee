/** The IDE's HTML page: the configuration as JSON, and the bundle's URLs. */
import type { IdeConfig } from './config.js';

/** Where the bundle's files are served: `/ide/<hash>/app.js`, `/ide/<hash>/app.css`. */
export const ASSET_PATH_PREFIX = '/ide/';

const STYLE = `
html, body, #ide { height: 100%; margin: 0; }
.ide { display: flex; flex-direction: column; height: 100%; }
.ide-bar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; padding: 0.4rem 0.75rem;
  font: 14px system-ui, sans-serif; border-bottom: 1px solid rgba(59, 75, 104, 0.15); }
.ide-sign-in { display: flex; gap: 0.35rem; }
.ide-bar input { font: inherit; padding: 0.2rem 0.4rem; }
.ide-token { flex: 1; min-width: 12rem; font-family: ui-monospace, monospace !important; }
.ide-status { opacity: 0.75; }
.ide-graphiql { flex: 1; position: relative; min-height: 0; }
.ide-graphiql > .graphiql-container { position: absolute; inset: 0; }
`;

export function idePage(config: IdeConfig, assetHash: string): string {
  // `<` escaped so the JSON cannot end the script element.
  const json = JSON.stringify(config).replaceAll('<', '\\u003c');
  const base = `${ASSET_PATH_PREFIX}${assetHash}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(config.apiName)} · GraphQL IDE</title>
<link rel="stylesheet" href="${base}/app.css">
<style>${STYLE}</style>
</head>
<body>
<div id="ide"></div>
<script id="ide-config" type="application/json">${json}</script>
<script type="module" src="${base}/app.js"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
