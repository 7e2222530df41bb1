/* Castline tracker: <script defer data-site="SITE_ID" src="https://HOST/api/v1/collect/tracker.js"></script>
   Sends page_view on load and on SPA navigation (pushState, replaceState, popstate), custom events through
   castline('event', name, props). sendBeacon with a text/plain body: no preflight, no cookie unless the site opted
   in (data-cookie="1": a first-party _cl_vid cookie, 365 days, SameSite=Lax, Secure, sent as `vid`). */
/* global window, document */
(function (w, d) {
  var s = d.currentScript;
  if (!s) return;
  var site = s.getAttribute('data-site');
  var endpoint = s.src.replace(/\/tracker\.js(\?.*)?$/, '');
  var last = null;
  var vid;
  if (s.getAttribute('data-cookie') === '1') {
    try {
      var kept = /(?:^|; )_cl_vid=([0-9a-f]{32})/.exec(d.cookie);
      vid = kept ? kept[1] : Array.prototype.map.call(w.crypto.getRandomValues(new Uint8Array(16)), function (b) {
        return (b + 256).toString(16).slice(1);
      }).join('');
      d.cookie = '_cl_vid=' + vid + '; Max-Age=31536000; Path=/; SameSite=Lax; Secure';
    } catch (e) {
      vid = undefined;
    }
  }
  function send(name, props) {
    var body = JSON.stringify({ site: site, name: name, url: w.location.href, referrer: d.referrer || null, props: props || undefined, vid: vid });
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
