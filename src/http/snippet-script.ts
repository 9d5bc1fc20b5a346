/**
 * The storefront snippet served at /snippet.js, kept in code so every deployment (a Node
 * process, a Lambda bundle) carries it without a file to ship alongside.
 *
 * Stores load it with `defer`, so the page's own scripts run first: they call a two-line stub
 * (README, "Connect a store") that queues each call in `cartRecovery.q`, and this script sends
 * that queue when it runs, then takes the stub's place. Sends go one at a time, in call order:
 * the server stamps each with its own clock, so an older cart state that overtook a newer one in
 * flight would win.
 *
 * Every send carries this browser's token: 24 random bytes made here once and kept in
 * localStorage (sessionStorage, or the page's memory, where storage is refused). The server makes
 * the cart's row id from it, so only this browser can write its carts. localStorage and not a
 * cookie: a cookie of the cart-recovery host is a third-party cookie on the store's page, which
 * Safari and Firefox drop and Chrome is retiring, and it would need credentialed CORS. A script on
 * the store's page can read the token, but such a script could already send anything it likes.
 */
export const SNIPPET_JS = `/* cart-recovery storefront snippet. Include once per page, with the stub before any call:
 *   <script src="https://YOUR-CART-RECOVERY/snippet.js" data-key="pk_..." defer></script>
 *   <script>
 *     window.cartRecovery = window.cartRecovery || { q: [], track: function (cart) {
 *       return new Promise(function (done, fail) { window.cartRecovery.q.push([cart, done, fail]); });
 *     } };
 *   </script>
 * Then, whenever the cart changes (before or after this script has loaded):
 *   cartRecovery.track({ id, email, currency, total, items: [{ sku, name, quantity, price }], restoreUrl })
 * id is your own cart id (optional; without one, a browser has one cart). track returns a promise
 * of { ok, status, body }. Once loaded (and the queue sent), this script dispatches
 * 'cart-recovery:ready' on document.
 * Every link (restoreUrl, an item's url and imageUrl) must be on your store's own origins, as
 * listed in CR_SNIPPET_ORIGINS: anything else is refused (400).
 * A restore link carrying ?saved=1 marks the cart as saved on purpose ("Still saving these?").
 * The browser lane can never mark a cart bought: send checkouts from your server, signed.
 */
(function () {
  var script = document.currentScript;
  if (!script) return;
  var endpoint = new URL('/snippet/events', script.src).href;
  var key = script.getAttribute('data-key') || '';
  var saved = /[?&]saved=1(&|$)/.test(location.search);
  if (saved) {
    try { sessionStorage.setItem('cr_saved', '1'); } catch (e) {}
  } else {
    try { saved = sessionStorage.getItem('cr_saved') === '1'; } catch (e) {}
  }
  var token = null;
  function browserToken() {
    if (token) return token;
    var stores = [];
    try { stores.push(window.localStorage); } catch (e) {}
    try { stores.push(window.sessionStorage); } catch (e) {}
    for (var i = 0; i < stores.length && !token; i++) {
      try {
        var kept = stores[i].getItem('cr_token');
        if (kept && /^[A-Za-z0-9_-]{22,128}$/.test(kept)) token = kept;
      } catch (e) {}
    }
    if (!token) {
      var bytes = new Uint8Array(24);
      crypto.getRandomValues(bytes);
      token = btoa(String.fromCharCode.apply(null, bytes))
        .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
      for (var j = 0; j < stores.length; j++) {
        try { stores[j].setItem('cr_token', token); break; } catch (e) {}
      }
    }
    return token;
  }
  function send(cart) {
    var body = JSON.stringify({
      key: key,
      token: browserToken(),
      cart: Object.assign({}, cart, { savedLink: saved || cart.savedLink === true }),
    });
    return fetch(endpoint, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      keepalive: true,
      headers: { 'content-type': 'application/json' },
      body: body,
    }).then(function (res) {
      return res.json().then(function (json) { return { ok: res.ok, status: res.status, body: json }; });
    });
  }
  var last = Promise.resolve();
  function track(cart) {
    var sent = last.then(function () { return send(cart); });
    last = sent.catch(function () {});
    return sent;
  }
  // The README's stub queues [cart, resolve, reject]; a hand-written one may queue the cart alone.
  function run(call) {
    var args = Array.isArray(call) ? call : [call];
    track(args[0]).then(args[1], args[2] || function () {});
  }
  var stub = window.cartRecovery;
  var queued = stub && Array.isArray(stub.q) ? stub.q : [];
  // q.push stays callable: a page that kept the stub's own track still reaches the real one.
  window.cartRecovery = { track: track, q: { push: run } };
  queued.forEach(run);
  document.dispatchEvent(new CustomEvent('cart-recovery:ready'));
})();
`;
