/**
 * The storefront snippet served at /snippet.js, kept in code so every deployment (a Node
 * process, a Lambda bundle) carries it without a file to ship alongside.
 */
export const SNIPPET_JS = `/* cart-recovery storefront snippet. Include once per page:
 *   <script src="https://YOUR-CART-RECOVERY/snippet.js" data-key="pk_..." defer></script>
 * Then, whenever the cart changes:
 *   cartRecovery.track({ id, email, currency, total, items: [{ sku, name, quantity, price }], restoreUrl })
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
  function track(cart) {
    var body = JSON.stringify({ key: key, cart: Object.assign({}, cart, { savedLink: saved || cart.savedLink === true }) });
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
  window.cartRecovery = { track: track };
  document.dispatchEvent(new CustomEvent('cart-recovery:ready'));
})();
`;
