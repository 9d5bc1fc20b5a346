/**
 * The template preview: every reminder step, for an abandoned and a saved-link cart, rendered
 * with a sample cart as the shopper would get it. The HTML part is shown in a sandboxed frame
 * (srcdoc, no script, no same-origin), the text part as text. The templates are read afresh, so
 * an owner editing the copy sees its problems, file and line, before the service is restarted.
 */
import { buildReminder, type Templates } from '../../domain/copy.ts';
import type { OutgoingEmail } from '../../domain/outgoing-email.ts';
import { sampleCart } from '../../domain/sample-cart.ts';
import { html, type SafeHtml } from '../page.ts';

export interface TemplatePreviewDeps {
  /** Steps in CR_CADENCE. */
  readonly steps: number;
  /** Reads and compiles the templates folder; throws with every problem found. */
  readonly templates: () => Templates;
  readonly store: { readonly name: string; readonly address: string };
  readonly from: string;
  readonly publicUrl: string;
}

export type PreviewResult =
  | { readonly kind: 'rendered'; readonly emails: readonly PreviewEmail[] }
  | { readonly kind: 'problems'; readonly problems: readonly string[] };

export interface PreviewEmail {
  readonly step: number;
  readonly savedLink: boolean;
  readonly email: OutgoingEmail;
}

/** Template mistakes carry their own list (TemplateFilesError) or are one `file:line: problem`. */
function problemsOf(error: unknown): readonly string[] {
  const list = (error as { problems?: unknown }).problems;
  if (Array.isArray(list) && list.every((p) => typeof p === 'string')) return list;
  return [error instanceof Error ? error.message : String(error)];
}

export function renderPreviews(deps: TemplatePreviewDeps, now: number): PreviewResult {
  let templates: Templates;
  try {
    templates = deps.templates();
  } catch (error) {
    return { kind: 'problems', problems: problemsOf(error) };
  }
  const emails: PreviewEmail[] = [];
  const problems: string[] = [];
  for (let step = 1; step <= deps.steps; step++) {
    for (const savedLink of [false, true]) {
      try {
        const email = buildReminder({
          cart: sampleCart(now, savedLink),
          step,
          templates,
          links: {
            cart: `${deps.publicUrl}/c?t=preview`,
            unsubscribe: `${deps.publicUrl}/unsubscribe?t=preview`,
          },
          store: deps.store,
          from: deps.from,
          messageIdDomain: 'preview.invalid',
        });
        emails.push({ step, savedLink, email });
      } catch (error) {
        problems.push(...problemsOf(error));
      }
    }
  }
  return problems.length > 0 ? { kind: 'problems', problems } : { kind: 'rendered', emails };
}

function one({ step, savedLink, email }: PreviewEmail): SafeHtml {
  const name = `Reminder ${step}, ${savedLink ? 'saved-link cart' : 'abandoned cart'}`;
  return html`<section class="card preview" data-step="${step}" data-saved="${String(savedLink)}">
    <h2>${name}</h2>
    <p><strong>Subject:</strong> ${email.subject}</p>
    <div class="grid">
      <div><h3>HTML part</h3>
        <iframe title="${name}, HTML part" sandbox="" srcdoc="${email.html}"></iframe></div>
      <div><h3>Text part</h3><pre class="text-part" tabindex="0" aria-label="${name}, text part">${email.text}</pre></div>
    </div>
  </section>`;
}

export function previewBody(result: PreviewResult, folder: string): SafeHtml {
  const head = html`<div class="head"><div><h1>Email templates</h1>
    <p class="muted sub">Each reminder as a shopper would get it, with a sample cart. The copy is in ${folder}.</p></div></div>`;
  switch (result.kind) {
    case 'problems':
      return html`${head}<section class="card" role="alert"><h2>The templates have ${result.problems.length} ${
        result.problems.length === 1 ? 'problem' : 'problems'
      }</h2>
        <p>Reminders keep going out with the copy loaded at start-up. Fix these, then restart the service.</p>
        <ul class="problems">${result.problems.map((p) => html`<li><code>${p}</code></li>`)}</ul></section>`;
    case 'rendered':
      return html`${head}<p class="flash" role="status">No problems: every step and variant renders.</p>
        ${result.emails.map(one)}`;
  }
}
