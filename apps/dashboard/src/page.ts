/** How often the page asks the gateway for service health. */
export const HEALTH_POLL_MS = 5_000;

export const style = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #16181d; --muted: #5c6370; --border: #e2e5ea;
  --accent: #2563eb; --up: #16a34a; --down: #dc2626;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1115; --card: #171a21; --text: #e7e9ee; --muted: #9aa1ad; --border: #2a2f3a;
    --accent: #6ea1ff; --up: #34d399; --down: #f87171;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 2rem 1rem;
  background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main {
  width: 100%; max-width: 34rem; background: var(--card); border: 1px solid var(--border);
  border-radius: 12px; padding: 2rem;
}
h1 { margin: 0 0 .25rem; font-size: 1.75rem; letter-spacing: -.01em; }
h2 { margin: 0; font-size: 1rem; }
p { margin: 0; color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1.5rem 0; }
nav a {
  color: var(--accent); text-decoration: none; border: 1px solid var(--border);
  border-radius: 8px; padding: .4rem .8rem; font-size: .9rem;
}
nav a:hover, nav a:focus-visible { border-color: var(--accent); }
.section-head { display: flex; justify-content: space-between; align-items: baseline; margin-bottom: .5rem; }
.muted { color: var(--muted); font-size: .8rem; }
ul { list-style: none; margin: 0; padding: 0; }
li {
  display: flex; align-items: center; gap: .6rem; padding: .45rem 0;
  border-top: 1px solid var(--border); font-size: .95rem;
}
li:first-child { border-top: 0; }
.dot { width: .6rem; height: .6rem; border-radius: 50%; background: var(--down); flex: none; }
.up .dot { background: var(--up); }
.state { margin-left: auto; color: var(--down); font-size: .85rem; }
.up .state { color: var(--up); }
`;

/**
 * Polls the gateway's aggregated health through the same origin (nginx) and lists each service. Reads
 * the reply defensively: a list or a map of services, or only the gateway's own status.
 */
export const script = `
const list = document.getElementById('services');
const updated = document.getElementById('updated');

function rowsOf(body) {
  const services = body && body.services;
  if (Array.isArray(services)) return services.map((s) => [s.service || s.name, s.status]);
  if (services && typeof services === 'object') {
    return Object.entries(services).map(([name, s]) => [name, typeof s === 'string' ? s : s && s.status]);
  }
  return [['gateway', body && body.status]];
}

function render(rows) {
  list.replaceChildren(...rows.map(([name, status]) => {
    const item = document.createElement('li');
    item.className = status === 'up' || status === 'ok' ? 'up' : 'down';
    const dot = document.createElement('span');
    dot.className = 'dot';
    const label = document.createElement('span');
    label.textContent = name || 'unknown';
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = status || 'down';
    item.append(dot, label, state);
    return item;
  }));
}

async function refresh() {
  try {
    const response = await fetch('/api/v1/health', { cache: 'no-store', headers: { accept: 'application/json' } });
    const body = await response.json().catch(() => null);
    render(body ? rowsOf(body) : [['gateway', 'HTTP ' + response.status]]);
  } catch {
    render([['gateway', 'unreachable']]);
  }
  updated.textContent = 'checked ' + new Date().toLocaleTimeString();
}

refresh();
setInterval(refresh, ${HEALTH_POLL_MS});
`;

export const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Castline</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<main>
  <h1>Castline</h1>
  <p>The operator dashboard is coming. Until then, the REST API is up and documented.</p>
  <nav>
    <a href="/api/docs">API reference (OpenAPI)</a>
    <a href="/api/v1/health">Health JSON</a>
  </nav>
  <section aria-labelledby="services-title">
    <div class="section-head">
      <h2 id="services-title">Services</h2>
      <span id="updated" class="muted">checking…</span>
    </div>
    <ul id="services" aria-live="polite"></ul>
  </section>
</main>
<script>${script}</script>
</body>
</html>
`;
