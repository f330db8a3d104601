// Progressive enhancement only; every form works without it. No inline script (CSP).
document.documentElement.classList.add("js");
document.addEventListener("change", (e) => {
  const el = e.target;
  if (el.matches("select.autosubmit")) el.form.requestSubmit();
});
document.addEventListener("click", async (e) => {
  const btn = e.target.closest("[data-copy]");
  if (!btn) return;
  const text = btn.getAttribute("data-copy");
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement("textarea");
    ta.value = text; document.body.appendChild(ta); ta.select(); document.execCommand("copy"); ta.remove();
  }
  const done = btn.getAttribute("data-copied") || "Copied";
  const label = btn.textContent; btn.textContent = done;
  setTimeout(() => { btn.textContent = label; }, 1500);
});
// Typed confirmation: the submit button stays disabled until the expected text is typed.
document.addEventListener("input", (e) => {
  const el = e.target;
  if (!el.matches("[data-confirm-expected]")) return;
  const btn = el.form.querySelector("[data-confirm-submit]");
  if (btn) btn.disabled = el.value.trim() !== el.getAttribute("data-confirm-expected");
});
// HTMX 2 swaps no 4xx answer by default, so a form error (422), a conflict (409) or a rate
// limit (429) answered with the fragment to show would silently do nothing. Those three are
// swapped like a success; other errors are not. A whole error page (a document, not a
// fragment) is never put inside a panel.
if (window.htmx) {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "^(409|422|429)$", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ];
  document.addEventListener("htmx:beforeSwap", (e) => {
    const xhr = e.detail.xhr;
    if (xhr.status >= 400 && /^\s*<!doctype/i.test(xhr.responseText)) e.detail.shouldSwap = false;
  });
}
