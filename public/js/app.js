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
