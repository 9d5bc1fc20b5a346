/** The small pages: sign in, and the monthly summary's frame. */
import { html, type SafeHtml } from '../page.ts';

export function signInBody(error: string | null): SafeHtml {
  return html`<section class="card signin">
    <h1>Owner sign in</h1>
    <p class="muted">Use your owner token (the <code>name:TOKEN</code> pairs in <code>CR_OWNERS</code>, or the
      token printed on first run).</p>
    ${error === null ? '' : html`<p class="flash error" role="alert">${error}</p>`}
    <form method="post" action="/owner/sign-in">
      <label>Owner token <input type="password" name="token" required autocomplete="current-password" autofocus></label>
      <button type="submit">Sign in</button>
    </form>
  </section>`;
}

export function summaryBody(month: string, content: SafeHtml | null): SafeHtml {
  return html`<div class="head"><h1>Summary for ${month}</h1>
      <form method="get" action="/owner/summary" class="daypick">
        <input type="month" name="month" value="${month}" aria-label="Month">
        <button class="ghost" type="submit">Show</button>
      </form>
    </div>
    ${
      content === null
        ? html`<div class="card empty">The summary is not configured on this server yet.
            <code>cart-recovery summary --month ${month}</code> prints it.</div>`
        : html`<section class="card">${content}</section>`
    }`;
}
