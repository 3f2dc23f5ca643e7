// Progressive enhancement only: every page works without this file.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // One press is enough: the server also recognises a repeated submission by its key.
  for (const button of form.querySelectorAll('button[data-once]')) {
    setTimeout(() => {
      button.disabled = true;
    }, 0);
  }
});

// "Send code" on a day that asks for a verified phone: the API sends the code to the contact
// phone and the form stays as typed. Without this, the button posts the form (sendCode=1) and
// the server shows it again.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-send-code]') : null;
  if (!button || !window.fetch) return;
  const form = button.form;
  if (!form) return;
  event.preventDefault();
  const chosen = form.querySelector('input[name="contactPartner"]:checked');
  const index = chosen && chosen.value === '1' ? 1 : 0;
  const phoneField = form.querySelector(`input[name="partners[${index}][phone]"]`);
  const status = form.querySelector('[data-send-code-status]');
  button.disabled = true;
  try {
    const response = await fetch('/api/v1/verification-codes', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Accept-Language': document.documentElement.lang || 'zh-CN',
      },
      body: JSON.stringify({ phone: phoneField ? phoneField.value : '', purpose: 'booking' }),
    });
    const body = await response.json().catch(() => ({}));
    if (status) {
      status.hidden = false;
      status.textContent =
        response.status === 202 ? button.getAttribute('data-sent') || '' : body?.error?.message || '';
    }
  } finally {
    setTimeout(() => {
      button.disabled = false;
    }, 60_000);
  }
});
// After a refused submit: the error summary takes the focus (where `autofocus` was not
// honoured), each of its links names the field's visible label when the server did not, and
// following a link puts the cursor in the field.
{
  const summary = document.querySelector('[data-error-summary]');
  if (summary instanceof HTMLElement) focusErrorSummary(summary);
}

function focusErrorSummary(summary) {
  for (const link of summary.querySelectorAll('a[href^="#"]')) {
    const target =
      document.getElementById(link.getAttribute('href').slice(1)) ??
      document.getElementById(link.getAttribute('data-error-id'));
    if (!target) continue;
    link.setAttribute('href', `#${target.id}`);
    const label = target.id && document.querySelector(`label[for="${CSS.escape(target.id)}"]`);
    if (link.hasAttribute('data-label-missing') && label) link.prepend(`${label.textContent.trim()} · `);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      target.closest('details')?.setAttribute('open', '');
      target.scrollIntoView({ block: 'center' });
      // An error text is not focusable by itself: -1 lets it take the focus, not the Tab key.
      if (!target.matches('input, select, textarea, button, a[href]')) target.setAttribute('tabindex', '-1');
      target.focus();
    });
  }
  if (document.activeElement !== summary) summary.focus();
}
