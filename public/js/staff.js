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
