/**
 * Sender health as a page: the rolling bounce and complaint rates against the limits, whether
 * reminders are on hold and why, and what to do about it. The figures are app/sender-health's,
 * the same the JSON API answers.
 */
import type { LaneStatus, SenderStatus } from '../../app/sender-health.ts';
import {
  BROWSER_LANE_LIMITS,
  DEFAULT_SENDER_LIMITS,
  type SenderLimits,
} from '../../domain/sender-health.ts';
import { whenText } from '../../domain/story.ts';
import { html, type SafeHtml } from '../page.ts';
import { csrfField } from './layout.ts';

/** Where the mail provider (SES) reviews a sender; the holds sit below these. */
const REVIEW = { bounce: 0.05, complaint: 0.001 } as const;

const pct = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;

function ratesTable(lane: LaneStatus, limits: SenderLimits, label: string): SafeHtml {
  const { health } = lane;
  const row = (what: string, count: number, rate: number, hold: number, review: number) =>
    html`<tr><th scope="row">${what}</th><td class="num">${count}</td><td class="num">${pct(rate)}</td>
      <td class="num">${pct(hold)}</td><td class="num">${pct(review)}</td></tr>`;
  return html`<div class="scroll-x" role="region" aria-label="${label}" tabindex="0"><table class="lines"><thead><tr><th scope="col">Of ${lane.sent} reminders</th>
    <th scope="col" class="num">Count</th><th scope="col" class="num">Rate now</th>
    <th scope="col" class="num">Held at</th><th scope="col" class="num">Provider reviews at</th></tr></thead>
    <tbody>${row('Hard bounces', lane.bounced, health.bounceRate, limits.holdBounceRate, REVIEW.bounce)}
    ${row('Spam complaints', lane.complained, health.complaintRate, limits.holdComplaintRate, REVIEW.complaint)}</tbody></table></div>`;
}

function verdict(lane: LaneStatus, what: string): SafeHtml {
  const { health } = lane;
  switch (health.verdict) {
    case 'ok':
      return html`<p class="flash" role="status" data-verdict="ok">${what} are going out: both rates are under the limits.</p>`;
    case 'hold':
      return html`<p class="flash error" role="alert" data-verdict="hold"><strong>${what} are on hold.</strong> ${health.message}</p>`;
  }
}

const ADVICE = html`<h2>What to do</h2><ol>
  <li>Look at the carts whose mail bounced or was marked as spam: a store feeding mistyped or made-up addresses is the usual cause.</li>
  <li>Fix the cause: ask for the email later in checkout, check the storefront snippet's allowed origins (CR_SNIPPET_ORIGINS), or stop a list import.</li>
  <li>Then clear the hold below: only bounces and complaints from then on count. Held reminders go out on their next wake-up.</li>
</ol>`;

export function healthBody(status: SenderStatus, zone: string, csrf: string): SafeHtml {
  const held = status.health.verdict === 'hold' || status.browserLane.health.verdict === 'hold';
  return html`<div class="head"><div><h1>Sender health</h1>
    <p class="muted sub">Counted since ${whenText(status.since, zone).replace(/^on /, '')} (the last 30 days, or since the last clear).</p></div></div>
    <section class="card" aria-labelledby="signed-h"><h2 id="signed-h">The store’s reminders</h2>
      ${verdict(status, 'Reminders')}${ratesTable(status, DEFAULT_SENDER_LIMITS, 'Rates of the store’s reminders')}</section>
    <section class="card" aria-labelledby="browser-h"><h2 id="browser-h">Storefront-snippet reminders</h2>
      <p class="muted">Addresses the snippet collects can come from anyone, so this lane holds itself at half the rates, on its own mail.</p>
      ${verdict(status.browserLane, 'Snippet reminders')}${ratesTable(status.browserLane, BROWSER_LANE_LIMITS, 'Rates of the snippet’s reminders')}</section>
    <section class="card">${
      held
        ? html`${ADVICE}<form method="post" action="/owner/health/clear">${csrfField(csrf)}
            <button type="submit" class="danger">The cause is fixed: clear the hold</button></form>`
        : html`<h2>Nothing to do</h2><p class="muted">Reminders hold by themselves a little before the mail provider would review the sender, and resume when the rates fall. The owners in CR_REPORT_TO are emailed when a hold starts.</p>`
    }</section>`;
}
