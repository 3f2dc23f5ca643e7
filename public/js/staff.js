// Staff console, progressive enhancement only: every form works without this file.
// A file chosen for the holiday import is read into the text area it names, so the
// form posts plain text (no multipart upload is needed).
for (const input of document.querySelectorAll('input[type=file][data-fill]')) {
  input.closest('.js-only')?.classList.remove('js-only');
  input.addEventListener('change', () => {
    const target = document.getElementById(input.getAttribute('data-fill'));
    const file = input.files?.[0];
    if (!target || !file) return;
    const reader = new FileReader();
    reader.onload = () => {
      target.value = String(reader.result ?? '');
    };
    reader.readAsText(file, 'utf-8');
  });
}

// The roster's buttons update their own row in place, so a registrar on a long peak-day roster
// keeps their place. The form is posted with fetch (its CSRF token travels in the form, and in
// the header), the roster page the server redirects to is read, and its row, the day's counts,
// the slot's numbers and the message replace the old ones. A no-show asks first. Without this
// script the form posts as usual and the redirect lands on the row's anchor (#appt-<id>).
const rowOf = (form) => form.closest('li.entry[id]');

function say(doc) {
  const message = doc.querySelector('.staff-main > .flash');
  let toast = document.querySelector('.roster-toast');
  if (!toast) {
    toast = document.createElement('div');
    toast.className = 'roster-toast';
    toast.setAttribute('role', 'status');
    document.body.append(toast);
  }
  toast.replaceChildren();
  for (const old of document.querySelectorAll('.staff-main > .flash')) old.remove();
  if (message) toast.append(message.cloneNode(true));
}

function replaceFrom(doc, selector, scope = document) {
  const next = doc.querySelector(selector);
  const old = scope.querySelector(selector);
  if (next && old) old.replaceWith(document.importNode(next, true));
}

async function postInPlace(form, row, confirmed) {
  const body = new URLSearchParams(new FormData(form));
  if (confirmed) body.set('confirm', 'yes');
  const res = await fetch(form.action, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { 'x-csrf-token': body.get('_csrf') ?? '' },
  });
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const next = doc.getElementById(row.id);
  // Signed out, or the row is no longer on this view (a search): show the page the server chose.
  if (!res.ok || !next) {
    window.location.assign(`${res.url}#${row.id}`);
    return;
  }
  const slot = row.closest('.roster-slot');
  const hadFocus = row.contains(document.activeElement);
  const fresh = document.importNode(next, true);
  row.replaceWith(fresh);
  replaceFrom(doc, '.day-summary');
  if (slot) replaceFrom(doc, `.roster-slot[data-start="${slot.dataset.start}"] .slot-numbers`, slot);
  say(doc);
  fresh.classList.add('just-updated');
  setTimeout(() => fresh.classList.remove('just-updated'), 2000);
  if (hadFocus) (fresh.querySelector('.entry-actions button') ?? fresh).focus();
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-row-action')) return;
  const row = rowOf(form);
  if (!row || typeof fetch !== 'function' || typeof DOMParser !== 'function') return;
  event.preventDefault();
  const ask = form.getAttribute('data-ask');
  if (ask && !window.confirm(ask)) return;
  if (row.getAttribute('aria-busy') === 'true') return;
  row.setAttribute('aria-busy', 'true');
  postInPlace(form, row, Boolean(ask)).catch(() => {
    // The request never got an answer: post the form as usual (the server asks again for a no-show).
    row.removeAttribute('aria-busy');
    HTMLFormElement.prototype.submit.call(form);
  });
});
