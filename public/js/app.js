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
