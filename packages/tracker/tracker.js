/* Castline tracker: <script defer data-site="SITE_ID" src="https://HOST/api/v1/collect/tracker.js"></script>
   Sends page_view on load and on SPA navigation (pushState, replaceState, popstate), custom events through
   castline('event', name, props). sendBeacon with a text/plain body: no preflight, no cookie. */
/* global window, document */
(function (w, d) {
  var s = d.currentScript;
  if (!s) return;
  var site = s.getAttribute('data-site');
  var endpoint = s.src.replace(/\/tracker\.js(\?.*)?$/, '');
  var last = null;
  function send(name, props) {
    var body = JSON.stringify({ site: site, name: name, url: w.location.href, referrer: d.referrer || null, props: props || undefined });
    if (w.navigator.sendBeacon && w.navigator.sendBeacon(endpoint, body)) return;
    try {
      w.fetch(endpoint, { method: 'POST', body: body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });
    } catch (e) {
      // Nothing to report to: analytics never breaks the page.
    }
  }
  function page() {
    var href = w.location.href;
    if (href === last) return;
    last = href;
    send('page_view');
  }
  function wrap(method) {
    var original = w.history[method];
    if (!original) return;
    w.history[method] = function () {
      var result = original.apply(this, arguments);
      page();
      return result;
    };
  }
  wrap('pushState');
  wrap('replaceState');
  w.addEventListener('popstate', page);
  var queued = (w.castline && w.castline.q) || [];
  w.castline = function (kind, name, props) {
    if (kind === 'event' && name) send(name, props);
  };
  page();
  for (var i = 0; i < queued.length; i++) w.castline.apply(null, queued[i]);
})(window, document);
