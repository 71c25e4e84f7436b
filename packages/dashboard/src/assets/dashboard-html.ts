/**
 * The page shell. Everything dynamic is rendered by the script; nothing inline, so the
 * Content-Security-Policy can forbid inline script and style altogether.
 */
export function dashboardHtml(paths: {
  readonly scriptPath: string;
  readonly stylesPath: string;
  readonly faviconPath: string;
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>website-monitor</title>
<link rel="icon" href="${paths.faviconPath}" type="image/svg+xml">
<link rel="stylesheet" href="${paths.stylesPath}">
<script defer src="${paths.scriptPath}"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="#/"><span class="brand-mark" aria-hidden="true"></span>website-monitor</a>
  <span id="host" class="host"></span>
  <span id="connection" class="connection" data-state="connecting" role="status" aria-live="polite">Connecting…</span>
</header>
<nav id="hosts" class="hosts" aria-label="Hosts" hidden><ul id="host-list" class="host-list"></ul></nav>
<div id="notice" class="notice" role="alert" hidden></div>
<main id="main" tabindex="-1">
  <div id="overview">
    <p id="scope-note" class="scope-note" role="status" hidden></p>
    <section class="summary" aria-label="Summary"><dl id="summary"></dl></section>
    <div class="layout">
      <section class="panel containers" aria-labelledby="containers-title">
        <div class="panel-head">
          <h2 id="containers-title">Containers</h2>
          <div class="filters">
            <input id="filter" type="search" placeholder="Filter by name" aria-label="Filter containers by name">
            <label class="check"><input id="problems-only" type="checkbox"> Problems only</label>
          </div>
        </div>
        <ul id="grid" class="grid" aria-label="Containers"></ul>
        <p id="grid-empty" class="empty" hidden>No containers match.</p>
      </section>
      <div class="side">
        <section class="panel" aria-labelledby="approvals-title">
          <div class="panel-head"><h2 id="approvals-title">Approval queue</h2><span id="approvals-host" class="hint"></span><span id="approvals-count" class="count">0</span></div>
          <ul id="approvals" class="approvals" aria-live="polite"></ul>
          <p id="approvals-empty" class="empty">Nothing waits for a person.</p>
        </section>
        <section class="panel" aria-labelledby="incidents-title">
          <div class="panel-head"><h2 id="incidents-title">Incidents</h2><span class="hint">last 24 h</span></div>
          <ol id="incidents" class="timeline" aria-live="polite"></ol>
          <p id="incidents-empty" class="empty">No incidents in the last 24 hours.</p>
        </section>
      </div>
    </div>
  </div>
  <div id="container-page" class="container-page" hidden></div>
</main>
<dialog id="token-dialog" aria-labelledby="token-title">
  <form id="token-form">
    <h2 id="token-title">API token</h2>
    <p id="token-reason" class="token-reason"></p>
    <p>Restarting a container, approving or rejecting an action needs the agent's <code>MONITOR_API_TOKEN</code>. It is kept in this browser tab only.</p>
    <label for="token-input">Token</label>
    <input id="token-input" type="password" autocomplete="off" required>
    <div class="dialog-actions">
      <button type="button" id="token-cancel">Cancel</button>
      <button type="submit" class="primary">Use token</button>
    </div>
  </form>
</dialog>
</body>
</html>
`;
}

export const dashboardFavicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f766e"/><path d="M4 17h6l3-7 5 13 3-6h7" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
