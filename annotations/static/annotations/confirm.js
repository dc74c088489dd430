// Irreversible acts ask first, in the page (never window.confirm): a form, a submit
// button, a link or a button carrying data-confirm="what happens" opens a dialog that
// says so. Optional: data-confirm-title, data-confirm-button (the confirming button's
// words) and data-confirm-preview="#id" naming a <template> shown as a preview.
// Loaded on every page; no build step.
(function () {
  "use strict";

  let dialog = null;
  let confirmedForm = null;
  let confirmedClick = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-message");
    dialog.innerHTML =
      '<form method="dialog">' +
      '<h2 id="confirm-dialog-title"></h2>' +
      '<p id="confirm-dialog-message"></p>' +
      '<div class="confirm-preview"></div>' +
      '<div class="actions">' +
      '<button type="submit" value="cancel">Cancel</button>' +
      '<button type="submit" value="confirm" class="primary"></button>' +
      "</div></form>";
    document.body.appendChild(dialog);
  }

  // Shows the question for `source`; calls proceed() only when the user confirms.
  function ask(source, proceed) {
    if (!dialog) build();
    const data = source.dataset;
    const title = data.confirmTitle || "Are you sure?";
    dialog.querySelector("#confirm-dialog-title").textContent = title;
    dialog.querySelector("#confirm-dialog-message").textContent = data.confirm;
    dialog.querySelector('button[value="confirm"]').textContent = data.confirmButton || "Confirm";
    const preview = dialog.querySelector(".confirm-preview");
    preview.replaceChildren();
    const template = data.confirmPreview && document.querySelector(data.confirmPreview);
    if (template && template.content) preview.appendChild(template.content.cloneNode(true));
    dialog.returnValue = "";
    dialog.onclose = () => {
      if (dialog.returnValue === "confirm") proceed();
      else if (document.contains(source) && source.focus) source.focus();
    };
    dialog.showModal();
  }

  // Forms (plain or htmx): stopped before htmx or the browser sees the submit, and sent
  // again once confirmed, with the clicked button's name and value.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const submitter = event.submitter;
      const source =
        submitter && submitter.dataset.confirm ? submitter : form.dataset.confirm ? form : null;
      if (!source) return;
      if (confirmedForm === form) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(source, () => {
        let carried = null;
        if (submitter && submitter.name) {
          carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = submitter.name;
          carried.value = submitter.value;
          form.appendChild(carried);
        }
        // requestSubmit() dispatches the submit event at once: the flag covers only it.
        confirmedForm = form;
        try {
          form.requestSubmit();
        } finally {
          confirmedForm = null;
          if (carried) carried.remove();
        }
      });
    },
    true,
  );

  // A button with data-open-dialog="id" opens that <dialog> (a form that asks first).
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-dialog]");
    if (!opener) return;
    const target = document.getElementById(opener.dataset.openDialog);
    if (target && target.showModal && !target.open) target.showModal();
  });

  // Links and plain buttons: the click goes on only once confirmed.
  document.addEventListener(
    "click",
    (event) => {
      const element = event.target.closest("[data-confirm]");
      if (!element || element.tagName === "FORM") return;
      if (element.form && element.type === "submit") return; // handled at submit
      if (confirmedClick === element) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(element, () => {
        confirmedClick = element;
        try {
          element.click();
        } finally {
          confirmedClick = null;
        }
      });
    },
    true,
  );
})();
