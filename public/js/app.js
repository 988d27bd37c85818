/*
 * Consulta – progressive enhancement only. Every page works without this file.
 *
 * 1. Error summary: focused on load; its links move focus to the field in
 *    error and scroll the field's question (fieldset legend or form group)
 *    into view.
 * 2. Checkbox groups: an option marked [data-exclusive] (for example
 *    "None of these") clears the other options with the same name, and
 *    choosing any other option clears the exclusive one.
 */
(function () {
  'use strict';

  function isChoice(input) {
    return (
      input instanceof HTMLInputElement && (input.type === 'radio' || input.type === 'checkbox')
    );
  }

  /** The element to bring into view for a field: its question heading. */
  function scrollTargetFor(input) {
    const fieldset = input.closest('fieldset');
    if (fieldset && isChoice(input)) {
      const legend = fieldset.querySelector('legend');
      if (legend) return legend;
    }
    return input.closest('.form-group') || input;
  }

  function isInViewport(element) {
    const rect = element.getBoundingClientRect();
    const height = window.innerHeight || document.documentElement.clientHeight;
    return rect.top >= 0 && rect.bottom <= height;
  }

  function focusField(id) {
    const input = document.getElementById(id);
    if (!input || typeof input.focus !== 'function') return false;

    const target = scrollTargetFor(input);
    target.scrollIntoView({ block: 'start' });

    // In a long matrix the erroneous row may lie far below the legend.
    if (!isInViewport(input)) {
      const row = input.closest('tr') || input;
      row.scrollIntoView({ block: 'center' });
    }

    input.focus({ preventScroll: true });
    return true;
  }

  function initErrorSummary() {
    const summary = document.querySelector('[data-error-summary]');
    if (!summary) return;

    summary.focus();

    summary.addEventListener('click', function (event) {
      const link = event.target instanceof Element ? event.target.closest('a') : null;
      if (!link || !summary.contains(link)) return;

      const href = link.getAttribute('href') || '';
      if (href.charAt(0) !== '#' || href.length < 2) return;

      let id;
      try {
        id = decodeURIComponent(href.slice(1));
      } catch {
        id = href.slice(1);
      }

      if (focusField(id)) event.preventDefault();
    });
  }

  function initExclusiveCheckboxes() {
    document.addEventListener('change', function (event) {
      const changed = event.target;
      if (!(changed instanceof HTMLInputElement) || changed.type !== 'checkbox') return;
      if (!changed.checked || !changed.name) return;

      const exclusive = changed.hasAttribute('data-exclusive');
      const scope = changed.form || document;
      const boxes = scope.querySelectorAll('input[type="checkbox"]');

      for (const box of boxes) {
        if (box === changed || box.name !== changed.name || !box.checked) continue;
        // Exclusive option: clear everything else. Other option: clear exclusives.
        if (exclusive || box.hasAttribute('data-exclusive')) box.checked = false;
      }
    });
  }

  function init() {
    initErrorSummary();
    initExclusiveCheckboxes();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
